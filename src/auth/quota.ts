/**
 * Per-account cap on token calls an hour (some carriers allow about 60): the gateway refuses
 * the call itself, as `throttled` with a retry time, before the carrier has to. Counted once
 * for the fleet when the quota lives in the shared control store (probes spend from it too).
 */
import { z } from 'zod';
import type { ControlStore } from '../control/types.ts';

export const QUOTA_WINDOW_MS = 3_600_000;

export interface TokenQuota {
  /** Takes one call from the account's hourly allowance; undefined when allowed, else ms to wait. */
  take(accountKey: string, limit: number | undefined, now: number): Promise<number | undefined>;
}

const limited = (limit: number | undefined): limit is number =>
  limit !== undefined && Number.isFinite(limit) && limit > 0;

/** One decision over the start times of the calls of the last hour, oldest first. */
function decide(calls: readonly number[], limit: number, now: number): { recent: number[]; wait?: number } {
  const recent = calls.filter((t) => t > now - QUOTA_WINDOW_MS);
  if (recent.length >= limit)
    return { recent, wait: Math.max(1, (recent[0] ?? now) + QUOTA_WINDOW_MS - now) };
  return { recent: [...recent, now] };
}

export function createMemoryTokenQuota(): TokenQuota {
  const calls = new Map<string, number[]>();
  return {
    async take(accountKey, limit, now) {
      if (!limited(limit)) return undefined;
      const { recent, wait } = decide(calls.get(accountKey) ?? [], limit, now);
      calls.set(accountKey, recent);
      return wait;
    },
  };
}

const Calls = z.object({ calls: z.array(z.number()) });

/**
 * The quota of the whole fleet: the window is one compare-and-set entry per account. While the
 * shared store is unreachable each instance takes only its share of the allowance (the limit
 * divided by the instances it last knew of), so the fleet still stays within it.
 */
export function createSharedTokenQuota(store: ControlStore, instances: () => number = () => 1): TokenQuota {
  const local = createMemoryTokenQuota();
  async function shared(key: string, limit: number, now: number): Promise<number | undefined> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const current = await store.get(key);
      const parsed = Calls.safeParse(current?.value);
      const { recent, wait } = decide(parsed.success ? parsed.data.calls : [], limit, now);
      if (wait !== undefined) return wait;
      const written = await store.compareAndSet(
        key,
        current?.version ?? 0,
        { calls: recent },
        QUOTA_WINDOW_MS,
      );
      if (written.ok) return undefined;
    }
    // Ten lost races in a row: this many instances are calling at once; count this one as over.
    return 1_000;
  }
  return {
    async take(accountKey, limit, now) {
      if (!limited(limit)) return undefined;
      try {
        return await shared(`{account:${accountKey}}quota`, limit, now);
      } catch {
        const share = Math.max(1, Math.floor(limit / Math.max(1, instances())));
        return local.take(accountKey, share, now);
      }
    },
  };
}
