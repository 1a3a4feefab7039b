/**
 * Idempotency records in Redis (Node only), so a label request retried on another instance
 * is replayed, not bought twice.
 *
 * - The first request claims the key with `SET NX` (a pending record with a lease); it runs,
 *   then replaces its own pending record by the answer (value or problem-ready error), kept
 *   24 hours, and publishes that the key is done.
 * - A repeat with the same key and body replays the answer; with another body it is a
 *   conflict. A repeat that finds the key pending (on any instance) waits for the answer,
 *   woken by pub/sub (polling as a fallback), until a deadline: then 409 in progress.
 * - A pending record whose owner died expires after its lease; the next repeat runs anew.
 * - Records are sealed (AES-256-GCM, bound to their key name); key names are hashes.
 * - Redis unreachable: the answer is kept on this instance only (a logged, degraded mode).
 *   Repeats on this instance still replay; one on another instance could run again.
 */

import { errorFromWire, errorToWire } from '../domain/error-wire.ts';
import { IdempotencyConflictError, IdempotencyInProgressError } from '../domain/errors.ts';
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore, type Settled } from '../resilience/idempotency.ts';
import { IdempotencyRecord } from '../resilience/idempotency-record.ts';
import type { Sealer } from './encryption.ts';
import type { RedisConnection } from './redis-connection.ts';

const COMPLETE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[4])
return 1
`;

export interface RedisIdempotencyOptions<T> {
  connection: RedisConnection;
  namespace: string;
  sealer: Sealer;
  /** Checks a replayed value (zod at the boundary). */
  decodeValue(raw: unknown): T;
  /** Lease of a pending record: how long a first request may run before its key is free again. */
  pendingTtlMs?: number;
  /** How long a repeat waits for the first request's answer before 409 in progress. */
  waitMs?: number;
  ttlMs?: number;
  pollMs?: number;
  now?: () => number;
  logger?: { warn(msg: string, fields?: Readonly<Record<string, unknown>>): void };
}

/** A Redis command failed: the store is away (as opposed to an answer this module throws). */
class StoreAway extends Error {}

interface LocalEntry<T> {
  fingerprint: string;
  settled: Promise<Settled<T>>;
  expiresAt: number;
}

const LOCAL_MAX = 10_000;
/** What a repeat that found the key still running is told to wait before asking again. */
const IN_PROGRESS_RETRY_MS = 1_000;

async function hashOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createRedisIdempotencyStore<T>(options: RedisIdempotencyOptions<T>): IdempotencyStore<T> {
  const { connection, sealer, namespace } = options;
  const { client } = connection;
  const pendingTtlMs = options.pendingTtlMs ?? 120_000;
  const waitMs = options.waitMs ?? 20_000;
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? Date.now;
  const channel = `${namespace}:idem-done`;
  // Answers this instance produced or is producing: same-instance repeats never wait on Redis,
  // and they survive a Redis outage.
  const local = new Map<string, LocalEntry<T>>();
  const waiters = new Map<string, Set<() => void>>();

  connection.subscribe(channel, (id) => {
    for (const wake of waiters.get(id) ?? []) wake();
  });

  const away = async <R>(command: () => Promise<R>): Promise<R> => {
    try {
      return await command();
    } catch {
      throw new StoreAway();
    }
  };

  async function read(redisKey: string): Promise<IdempotencyRecord | undefined> {
    const sealed = await away(() => client.get(redisKey));
    if (sealed === null) return undefined;
    return IdempotencyRecord.parse(JSON.parse(await sealer.open(sealed, redisKey)));
  }

  function replay(record: IdempotencyRecord & { state: 'done' }): T {
    if (record.outcome.ok) return options.decodeValue(record.outcome.value);
    throw errorFromWire(record.outcome.error, Math.max(0, now() - record.at));
  }

  function remember(key: string, fingerprint: string, settled: Promise<Settled<T>>): void {
    if (local.size >= LOCAL_MAX) {
      const at = now();
      for (const [k, e] of local) if (e.expiresAt <= at) local.delete(k);
      const oldest = local.keys().next();
      if (local.size >= LOCAL_MAX && !oldest.done) local.delete(oldest.value);
    }
    local.set(key, { fingerprint, settled, expiresAt: now() + ttlMs });
  }

  /** Waits until the record is no longer pending (or gone), or the deadline passes. */
  async function waitForAnswer(
    id: string,
    redisKey: string,
    deadline: number,
  ): Promise<IdempotencyRecord | undefined> {
    for (;;) {
      const record = await read(redisKey);
      if (record === undefined || record.state === 'done' || now() >= deadline) return record;
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0) waiters.delete(id);
          resolve();
        };
        set.add(wake);
        const timer = setTimeout(wake, Math.min(pollMs, Math.max(0, deadline - now())));
      });
    }
  }

  /** This instance runs the work; the answer is shared once it is known. */
  async function runOwned(
    key: string,
    id: string,
    redisKey: string,
    fingerprint: string,
    pending: string,
    work: () => Promise<T>,
  ): Promise<Settled<T>> {
    const settled = work().then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    remember(key, fingerprint, settled);
    const outcome = await settled;
    const record: IdempotencyRecord = {
      state: 'done',
      fingerprint,
      at: now(),
      outcome: outcome.ok
        ? { ok: true, value: outcome.value }
        : { ok: false, error: errorToWire(outcome.error) },
    };
    try {
      const sealed = await sealer.seal(JSON.stringify(record), redisKey);
      const written = await client.eval(COMPLETE_SCRIPT, 2, redisKey, channel, pending, sealed, ttlMs, id);
      if (written !== 1) options.logger?.warn('idempotency record lease ran out before the answer', { id });
    } catch {
      options.logger?.warn('idempotency answer kept on this instance only: shared store unreachable', { id });
    }
    return outcome;
  }

  async function settle(key: string, fingerprint: string, work: () => Promise<T>): Promise<Settled<T>> {
    const id = await hashOf(key);
    const redisKey = `${namespace}:idem:${id}`;
    const deadline = now() + waitMs;
    // A few rounds: a pending record can vanish (its owner died) between reads.
    for (let round = 0; round < 5; round += 1) {
      const pending = await sealer.seal(
        JSON.stringify({ state: 'pending', fingerprint, owner: crypto.randomUUID(), startedAt: now() }),
        redisKey,
      );
      const claimed = await away(() => client.set(redisKey, pending, 'PX', pendingTtlMs, 'NX'));
      if (claimed === 'OK') return runOwned(key, id, redisKey, fingerprint, pending, work);
      let record: IdempotencyRecord | undefined;
      try {
        record = await waitForAnswer(id, redisKey, deadline);
      } catch (error) {
        // Another instance may be buying this label right now: never run it a second time here.
        if (error instanceof StoreAway) throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS);
        throw error;
      }
      if (record === undefined) continue;
      if (record.fingerprint !== fingerprint) throw new IdempotencyConflictError();
      if (record.state === 'done') {
        try {
          return { ok: true, value: replay(record) };
        } catch (error) {
          return { ok: false, error };
        }
      }
      break;
    }
    throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS);
  }

  return {
    async run(key, fingerprint, work) {
      const mine = local.get(key);
      if (mine !== undefined && mine.expiresAt > now()) {
        if (mine.fingerprint !== fingerprint) throw new IdempotencyConflictError();
        const outcome = await mine.settled;
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      let outcome: Settled<T>;
      try {
        outcome = await settle(key, fingerprint, work);
      } catch (error) {
        if (!(error instanceof StoreAway)) throw error;
        options.logger?.warn('idempotency degraded: shared store unreachable, answer kept on this instance');
        const settled = work().then(
          (value): Settled<T> => ({ ok: true, value }),
          (e: unknown): Settled<T> => ({ ok: false, error: e }),
        );
        remember(key, fingerprint, settled);
        outcome = await settled;
      }
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    },
  };
}
