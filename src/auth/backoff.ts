/**
 * Per-key cooldown after a failed token call: one attempt per cooldown while failing, so a
 * broken account cannot hammer its carrier (Nango INC-88: 60k failed refreshes a day).
 * With a shared control store the cooldown holds for the fleet: a failure is written there
 * before the refresh lock is released, and the next instance to hold the lock reads it.
 */
import { z } from 'zod';
import type { ControlStore } from '../control/types.ts';
import { CarrierErrorWire, carrierErrorFromWire, carrierErrorToWire } from '../domain/error-wire.ts';
import type { CarrierError } from '../domain/failure.ts';

/** First cooldown after a transient failure; doubles per consecutive failure... */
export const BASE_COOLDOWN_MS = 1_000;
/** ...up to this. */
export const MAX_COOLDOWN_MS = 60_000;
/** Failures that no retry can fix (revoked, misconfigured) wait longer between attempts. */
export const PERMANENT_BASE_COOLDOWN_MS = 30_000;
export const PERMANENT_MAX_COOLDOWN_MS = 5 * 60_000;

interface Entry {
  failures: number;
  until: number;
  /** The carrier's own Retry-After, which even a breaker probe honours. */
  notBefore: number;
  error: CarrierError;
}

export interface Backoff {
  /** Records a failure (for the fleet when shared); returns the cooldown in ms. */
  failure(key: string, error: CarrierError, now: number, random: number): Promise<number>;
  success(key: string): void;
  /** Takes the fleet's cooldown of `key` into this instance's view (no-op when alone). */
  refresh(key: string, now: number): Promise<void>;
  /**
   * The active cooldown of `key`, if any. A breaker's half-open probe (`probe`) skips the
   * gateway's own cooldown and waits only for the carrier's Retry-After.
   */
  active(key: string, now: number, probe?: boolean): { until: number; error: CarrierError } | undefined;
  /** Forgets `key`'s cooldown (here and in the fleet), or every local one. */
  clear(key?: string): void;
}

const SharedEntry = z.object({
  failures: z.number(),
  until: z.number(),
  notBefore: z.number(),
  error: CarrierErrorWire,
});

const sharedKey = (key: string) => `{token:${key}}cooldown`;

export function createBackoff(shared?: ControlStore): Backoff {
  const entries = new Map<string, Entry>();
  return {
    async failure(key, error, now, random) {
      const failures = (entries.get(key)?.failures ?? 0) + 1;
      const permanent = error.failureClass === 'revoked' || error.failureClass === 'misconfigured';
      const base = permanent ? PERMANENT_BASE_COOLDOWN_MS : BASE_COOLDOWN_MS;
      const max = permanent ? PERMANENT_MAX_COOLDOWN_MS : MAX_COOLDOWN_MS;
      const ceiling = Math.min(max, base * 2 ** Math.min(failures - 1, 20));
      // "Equal jitter": half fixed, half random, so the cooldown is never zero yet accounts spread out.
      const jittered = ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1);
      // The carrier's Retry-After wins when it asks for longer.
      const wait = Math.max(jittered, error.retryAfterMs ?? 0);
      const entry = { failures, until: now + wait, notBefore: now + (error.retryAfterMs ?? 0), error };
      entries.set(key, entry);
      if (shared !== undefined) {
        const wire = { ...entry, error: carrierErrorToWire(error) };
        const current = await shared.get(sharedKey(key)).catch(() => undefined);
        await shared
          .compareAndSet(sharedKey(key), current?.version ?? 0, wire, Math.ceil(wait) + 1_000)
          .catch(() => undefined);
      }
      return wait;
    },
    success(key) {
      entries.delete(key);
      void shared?.delete(sharedKey(key)).catch(() => undefined);
    },
    async refresh(key, now) {
      if (shared === undefined) return;
      const found = await shared.get(sharedKey(key)).catch(() => undefined);
      const parsed = SharedEntry.safeParse(found?.value);
      if (!parsed.success || parsed.data.until <= now) return;
      const mine = entries.get(key);
      if (mine !== undefined && mine.until >= parsed.data.until) return;
      entries.set(key, { ...parsed.data, error: carrierErrorFromWire(parsed.data.error) });
    },
    active(key, now, probe = false) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      const until = probe ? entry.notBefore : entry.until;
      return until > now ? { until, error: entry.error } : undefined;
    },
    clear(key) {
      if (key === undefined) {
        entries.clear();
        return;
      }
      entries.delete(key);
      // Credentials changed (revoked, reloaded, re-connected): the fleet's cooldown goes too.
      void shared?.delete(sharedKey(key)).catch(() => undefined);
    },
  };
}
