/**
 * Idempotency for label purchases: the first answer (success or failure) for a key is kept
 * for 24 hours and replayed; the same key with a different body is a conflict; a request
 * whose key is still in flight waits for the first one's answer.
 */
import { LRUCache } from 'lru-cache';
import { IdempotencyConflictError } from '../domain/errors.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The outcome to replay: a value, or the error the first request got. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Entry<T> {
  fingerprint: string;
  settled: Promise<Settled<T>>;
}

export interface RunOptions {
  /**
   * What a repeat answers when the first request's instance stopped before answering (its
   * claim outlived its lease): the outcome is unknown, so the work is never run again.
   */
  abandoned?: () => Error;
}

export interface IdempotencyStore<T> {
  /**
   * Runs `work` once per key: later calls with the same key and fingerprint get the first
   * call's outcome (value or thrown error); a different fingerprint throws a conflict.
   */
  run(key: string, fingerprint: string, work: () => Promise<T>, options?: RunOptions): Promise<T>;
}

export function createMemoryIdempotencyStore<T>(
  options: { max?: number; ttlMs?: number } = {},
): IdempotencyStore<T> {
  const entries = new LRUCache<string, Entry<T>>({
    max: options.max ?? 100_000,
    ttl: options.ttlMs ?? IDEMPOTENCY_TTL_MS,
  });
  return {
    async run(key, fingerprint, work) {
      let entry = entries.get(key);
      if (entry && entry.fingerprint !== fingerprint) throw new IdempotencyConflictError();
      if (!entry) {
        const settled = work().then(
          (value): Settled<T> => ({ ok: true, value }),
          (error: unknown): Settled<T> => ({ ok: false, error }),
        );
        entry = { fingerprint, settled };
        entries.set(key, entry);
      }
      const outcome = await entry.settled;
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    },
  };
}

/** A stable fingerprint of a JSON body: SHA-256 of its canonical form (sorted keys). */
export async function fingerprintOf(body: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(body)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
