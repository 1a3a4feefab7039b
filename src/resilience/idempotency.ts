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
  /** The outcome, once known. */
  outcome?: Settled<T>;
}

/** What is kept of an answer pushed out by the byte bound. */
interface Kept<T> {
  fingerprint: string;
  outcome: Settled<T>;
}

/** Compact answers kept after the full ones, in approximate bytes (about 60,000 labels). */
export const DEFAULT_IDEMPOTENCY_COMPACT_BYTES = 64 * 2 ** 20;

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
  /** A shared store's write-backs after a store loss: how many answers each restored. */
  onWrittenBack?(listener: (written: number) => void): void;
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

export interface MemoryIdempotencyOptions<T> {
  /** Most answers kept in full, besides the byte bound (default: the byte bound alone). */
  max?: number;
  ttlMs?: number;
  maxBytes?: number;
  /**
   * The compact form of an answer the byte bound pushes out (a label without its document):
   * kept, within `compactBytes`, so a repeat is answered with what was bought, never run again.
   */
  compact?: (value: T) => T;
  compactBytes?: number;
}

export function createMemoryIdempotencyStore<T>(
  options: MemoryIdempotencyOptions<T> = {},
): IdempotencyStore<T> {
  const ttl = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const compact = options.compact;
  // Bounded in bytes only: a count bound makes lru-cache allocate its arrays for that many
  // entries up front (1,000,000 cost every instance ~38 MB at start).
  const kept = new LRUCache<string, Kept<T>>({
    ttl,
    maxSize: options.compactBytes ?? DEFAULT_IDEMPOTENCY_COMPACT_BYTES,
    sizeCalculation: (k) => 64 + approximateBytes(k.outcome.ok ? k.outcome.value : 0),
  });
  // Bounded by bytes: 100,000 labels with their documents would not fit in memory.
  // The oldest answers go first; one still running is the newest, so it goes last.
  const entries = new LRUCache<string, Entry<T>>({
    ...(options.max !== undefined ? { max: options.max } : {}),
    ttl,
    maxSize: options.maxBytes ?? DEFAULT_IDEMPOTENCY_MAX_BYTES,
    sizeCalculation: () => PENDING_BYTES,
    dispose(entry, key, reason) {
      if (reason !== 'evict' || compact === undefined || entry.outcome === undefined) return;
      const { outcome } = entry;
      const remaining = entries.getRemainingTTL(key);
      kept.set(
        key,
        {
          fingerprint: entry.fingerprint,
          outcome: outcome.ok ? { ok: true, value: compact(outcome.value) } : outcome,
        },
        ...(Number.isFinite(remaining) && remaining > 0 ? [{ ttl: remaining }] : []),
      );
    },
  });
  return {
    async run(key, fingerprint, work) {
      let entry = entries.get(key);
      if (entry === undefined) {
        const compacted = kept.get(key);
        if (compacted !== undefined) {
          if (compacted.fingerprint !== fingerprint) throw new IdempotencyConflictError();
          if (compacted.outcome.ok) return compacted.outcome.value;
          throw compacted.outcome.error;
        }
      }
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
          created.outcome = outcome;
          // Counted for what it holds now, if it is still the entry of its key.
          if (entries.peek(key) !== created) return;
          const size = key.length + fingerprint.length + approximateBytes(outcome.ok ? outcome.value : 0);
          // A new wrapper: lru-cache keeps the old size when the same value is set again.
          entries.set(
            key,
            { fingerprint, settled, outcome },
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
