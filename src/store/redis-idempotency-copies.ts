/**
 * The fleet's idempotency records as every instance keeps them (Node only): a copy of each
 * claim and each answer, so that when the store loses its data (an empty restart, a failover
 * that lost writes) any live instance can put the record back before a repeat buys again,
 * even once the instance that bought the label is gone.
 *
 * - A claim is announced when it is taken (its pending record, sealed as stored): a label
 *   whose buyer dies mid-purchase stays "in progress, then abandoned" after a store loss,
 *   never "unused". A released claim (nothing bought) is announced too and its copy dropped.
 *   A restored claim is the same bytes as the original, so a live buyer still answers over it.
 * - An answer is announced with its compact form (a label without its document).
 * - An instance copies the store's records when it starts, and again after each reconnection
 *   (announcements sent while its subscriber was away are lost): the compact copy each answer
 *   keeps beside its record (redis-keys.ts), so a start costs no label documents read.
 * - A repeat restores its key's copy before claiming it (`SET NX`), so it never depends on
 *   whether the write-back after a loss has reached its key yet.
 * - A released claim leaves a tombstone (redis-idempotency-claim.ts): a copy of the claim is
 *   never restored over it, and a copy taken after a reconnection drops the claim's copy.
 *
 * Announcements travel on the record's done channel: `<id> p <sealed>` (claimed),
 * `<id> d <sealed>` (answered), `<id> r <sealed>` (released), `<id>` (wake only).
 */
import { LRUCache } from 'lru-cache';
import { IdempotencyRecord } from '../resilience/idempotency-record.ts';
import type { Sealer } from './encryption.ts';
import type { RedisConnection } from './redis-connection.ts';
import { RELEASED, restoreRecord } from './redis-idempotency-claim.ts';
import type { redisKeys } from './redis-keys.ts';

export interface RecordCopy {
  redisKey: string;
  /** The sealed record to write back: the pending claim as stored, or the compact answer. */
  sealed: string;
  state: 'pending' | 'done';
}

export const announce = {
  claimed: (id: string, pending: string) => `${id} p ${pending}`,
  answered: (id: string, copy: string | undefined) => (copy === undefined ? id : `${id} d ${copy}`),
  released: (id: string, pending: string) => `${id} r ${pending}`,
};

export interface FleetCopiesOptions {
  connection: RedisConnection;
  keys: ReturnType<typeof redisKeys>;
  sealer: Sealer;
  ttlMs: number;
  max: number;
  /** Bytes the copies may hold (their sealed records and keys). */
  maxBytes: number;
  now: () => number;
  /** Compacts a done record read from the store (at a copy). */
  compactRecord(record: IdempotencyRecord & { state: 'done' }): IdempotencyRecord;
}

/** Runs `work` over `items`, 100 at a time; resolves to how many returned true. */
export async function inBatches<I>(
  items: readonly I[],
  work: (item: I) => Promise<boolean>,
): Promise<number> {
  let done = 0;
  for (let i = 0; i < items.length; i += 100) {
    const batch = await Promise.allSettled(items.slice(i, i + 100).map(work));
    done += batch.filter((r) => r.status === 'fulfilled' && r.value).length;
  }
  return done;
}

export function createFleetCopies(options: FleetCopiesOptions) {
  const { connection, keys, sealer, ttlMs, now } = options;
  const copies = new LRUCache<string, RecordCopy>({
    max: options.max,
    ttl: ttlMs,
    maxSize: options.maxBytes,
    // The strings and about a hundred bytes of entry around them.
    sizeCalculation: (copy, id) => copy.sealed.length + copy.redisKey.length + id.length + 100,
  });

  /** An answer replaces a claim; a claim never replaces an answer. */
  function keep(id: string, copy: RecordCopy, ttl?: number): void {
    if (copy.state === 'pending' && copies.get(id)?.state === 'done') return;
    copies.set(id, copy, ttl === undefined ? undefined : { ttl });
  }

  /** What is left of a copy's life (lru-cache counts fractions of a millisecond: at least 1). */
  const remainingMs = (id: string) => Math.max(1, Math.min(ttlMs, Math.ceil(copies.getRemainingTTL(id))));

  /**
   * A copy of a record read from the store (the claim as stored, an answer compacted), or
   * 'released' for a released claim's tombstone.
   */
  async function copyOf(
    redisKey: string,
  ): Promise<{ copy: RecordCopy; ttl: number } | 'released' | undefined> {
    const stored = await connection.client.get(redisKey);
    if (stored === null) return undefined;
    if (stored === RELEASED) return 'released';
    const record = IdempotencyRecord.parse(JSON.parse(await sealer.open(stored, redisKey)));
    if (record.state === 'pending') {
      const ttl = record.startedAt + ttlMs - now();
      return ttl > 0 ? { copy: { redisKey, sealed: stored, state: 'pending' }, ttl } : undefined;
    }
    // A record lives `ttlMs` from its answer (a write-back keeps what was left of it).
    const ttl = record.at + ttlMs - now();
    if (ttl <= 0) return undefined;
    const sealed = await sealer.seal(JSON.stringify(options.compactRecord(record)), redisKey);
    return { copy: { redisKey, sealed, state: 'done' }, ttl };
  }

  return {
    /** Applies an announcement (the part after the id). */
    heard(id: string, rest: string): void {
      const redisKey = keys.idempotency(id).record;
      if (rest.startsWith('r ')) {
        // Only that claim's copy: another request may have claimed the key since.
        if (copies.get(id)?.sealed === rest.slice(2)) copies.delete(id);
      } else if (rest.startsWith('p ')) keep(id, { redisKey, sealed: rest.slice(2), state: 'pending' });
      else if (rest.startsWith('d ')) keep(id, { redisKey, sealed: rest.slice(2), state: 'done' });
      // An instance of an earlier version announces `<id> <sealed answer>`.
      else if (rest !== '') keep(id, { redisKey, sealed: rest, state: 'done' });
    },

    get: (id: string) => copies.get(id),

    /** Every copy with what is left of its life, for a write-back. */
    list: () => [...copies.entries()].map(([id, copy]) => ({ id, copy, remainingMs: remainingMs(id) })),

    /** How many copies are held and their bytes (bounded by `max` and `maxBytes`). */
    held: () => ({ copies: copies.size, copyBytes: copies.calculatedSize }),

    /**
     * Puts a copy back where the store has nothing for its key; true when it did. A claim's copy
     * never goes over its release's tombstone (a release this instance missed); an answer does.
     */
    restore(id: string, copy: RecordCopy): Promise<boolean> {
      return restoreRecord(
        connection.client,
        copy.redisKey,
        copy.sealed,
        remainingMs(id),
        copy.state === 'done',
      );
    },

    /**
     * Copies what the store holds that this instance has no answer for: the answers' compact
     * copies first (small, sealed as kept), then the records without one (claims, which are
     * small, and answers written back after a loss). Resolves to how many were copied.
     */
    async load(): Promise<number> {
      const prefix = `${keys.namespace}:{`;
      const idOf = (name: string) => name.slice(prefix.length, name.indexOf('}', prefix.length));
      const known = (id: string) => copies.get(id)?.state === 'done';
      const copyNames = (await connection.scan(keys.patterns.idempotencyCopies)).slice(0, copies.max);
      const fromCopies = await inBatches(copyNames, async (copyKey) => {
        const id = idOf(copyKey);
        if (known(id)) return false;
        const [[, sealed] = [], [, ttl] = []] =
          (await connection.client.pipeline().get(copyKey).pttl(copyKey).exec()) ?? [];
        if (typeof sealed !== 'string' || typeof ttl !== 'number' || ttl <= 0) return false;
        keep(id, { redisKey: keys.idempotency(id).record, sealed, state: 'done' }, ttl);
        return true;
      });
      const names = (await connection.scan(keys.patterns.idempotencyRecords)).slice(0, copies.max);
      const fromRecords = await inBatches(names, async (redisKey) => {
        const id = idOf(redisKey);
        // An answer heard on the channel or copied above is as good: keep it.
        if (known(id)) return false;
        const found = await copyOf(redisKey);
        // Released while this instance was not listening: its copy of the claim goes.
        if (found === 'released') copies.delete(id);
        if (found === undefined || found === 'released') return false;
        keep(id, found.copy, found.ttl);
        return true;
      });
      return fromCopies + fromRecords;
    },
  };
}

export type FleetCopies = ReturnType<typeof createFleetCopies>;
