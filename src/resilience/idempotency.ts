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

/**
 * Default bound of the in-process answers, in approximate bytes: labels carry documents
 * (~4 KB each from the sandbox), so this keeps the last ~8,000 label answers for replay, and
 * a long-running single instance levels off instead of growing for 24 hours. Instances that
 * share Redis keep answers there (redis-idempotency.ts), not here.
 */
export const DEFAULT_IDEMPOTENCY_MAX_BYTES = 32 * 2 ** 20;
/** What an entry is counted for while its work runs (its size is known once it settles). */
const PENDING_BYTES = 1_024;

export function createMemoryIdempotencyStore<T>(
  options: { max?: number; ttlMs?: number; maxBytes?: number } = {},
): IdempotencyStore<T> {
  // Bounded by count and by bytes: 100,000 labels with their documents would not fit in memory.
  // The oldest answers go first; one still running is the newest, so it goes last.
  const entries = new LRUCache<string, Entry<T>>({
    max: options.max ?? 100_000,
    ttl: options.ttlMs ?? IDEMPOTENCY_TTL_MS,
    maxSize: options.maxBytes ?? DEFAULT_IDEMPOTENCY_MAX_BYTES,
    sizeCalculation: () => PENDING_BYTES,
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
        const created: Entry<T> = { fingerprint, settled };
        entry = created;
        entries.set(key, created);
        void settled.then((outcome) => {
          // Counted for what it holds now, if it is still the entry of its key.
          if (entries.peek(key) !== created) return;
          const size = key.length + fingerprint.length + approximateBytes(outcome.ok ? outcome.value : 0);
          // A new wrapper: lru-cache keeps the old size when the same value is set again.
          entries.set(
            key,
            { fingerprint, settled },
            { size: Math.max(1, Math.min(size, entries.maxSize)), noUpdateTTL: true },
          );
        });
      }
      const outcome = await entry.settled;
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    },
  };
}

/**
 * A cheap estimate of what a settled answer keeps: string lengths (documents are base64 or
 * text), 8 bytes a number, 16 a slot, bytes of binary data. Not exact, and need not be.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  if (typeof value === 'string') return 16 + value.length;
  if (value === null || typeof value !== 'object' || depth > 8) return 8;
  if (ArrayBuffer.isView(value)) return 64 + value.byteLength;
  let total = 32;
  if (Array.isArray(value)) {
    for (const item of value) total += 8 + approximateBytes(item, depth + 1);
    return total;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    total += 16 + k.length + approximateBytes(v, depth + 1);
  }
  return total;
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
