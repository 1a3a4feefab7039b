/**
 * Token calls left in each account's hourly allowance (`tokenCallsPerHour`), counted from
 * the live broker's token calls on the event stream: each one sent took one call from the
 * allowance, a refusal of its own ('quota') took none. It reads what this instance spent;
 * a broker that shares its quota fleet-wide can answer the same interface itself.
 */
import type { ResolvedAccount } from '../config/account.ts';
import type { EventBus } from '../events/bus.ts';

export const QUOTA_WINDOW_MS = 3_600_000;

export interface QuotaReading {
  limit: number;
  remaining: number;
}

export interface QuotaReader {
  /** Undefined for an account without an hourly limit. */
  read(account: ResolvedAccount): QuotaReading | undefined;
}

export function quotaReaderFromEvents(
  bus: EventBus,
  now: () => number = Date.now,
): QuotaReader & { stop(): void } {
  // Start times of the calls of the last hour, oldest first.
  const calls = new Map<string, number[]>();
  const keyOf = (carrier: string, account: string) => `${carrier}\u0000${account}`;
  const recent = (key: string, at: number) => {
    const kept = (calls.get(key) ?? []).filter((t) => t > at - QUOTA_WINDOW_MS);
    calls.set(key, kept);
    return kept;
  };
  const stop = bus.on('token.call', (event) => {
    if (event.source !== 'live' || event.reason === 'quota') return;
    const at = now();
    const kept = recent(keyOf(event.carrier, event.account), at);
    kept.push(at);
    // Bounded: no account's allowance is anywhere near this.
    if (kept.length > 10_000) kept.shift();
  });
  return {
    read(account) {
      const limit = account.tokenCallsPerHour;
      if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return undefined;
      const used = recent(keyOf(account.carrier, account.id), now()).length;
      return { limit, remaining: Math.max(0, limit - used) };
    },
    stop,
  };
}
