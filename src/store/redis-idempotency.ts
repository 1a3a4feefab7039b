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
 * - Replicated topologies (Sentinel, a cluster with replicas): a failover may promote a
 *   replica that missed the newest writes. So a label is bought only once its claim reached
 *   `replicaAcks` replicas, or all connected ones if fewer are (ROLE, WAIT); a claim that
 *   cannot be confirmed is released and nothing is bought (409, retry later): an absent
 *   record after a failover is then truly absent.
 *   An answer written after the claim may still be lost: on a change of primary,
 *   `writeBack()` writes the answers this instance holds again (over its own pending claim,
 *   or where nothing is), and wakes the repeats waiting for them.
 * - Key names come from redis-keys.ts (record and channel share the record's hash tag).
 */

import { errorFromWire, errorToWire } from '../domain/error-wire.ts';
import { IdempotencyConflictError, IdempotencyInProgressError } from '../domain/errors.ts';
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore, type Settled } from '../resilience/idempotency.ts';
import { IdempotencyRecord } from '../resilience/idempotency-record.ts';
import type { Sealer } from './encryption.ts';
import type { RedisConnection } from './redis-connection.ts';
import { CHANNEL, redisKeys } from './redis-keys.ts';

/** Writes the answer over our own pending claim, or where nothing is; never over another's record. */
const COMPLETE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current ~= false and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[5], ARGV[4])
return 1
`;

/** Deletes a claim if it is still ours. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
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
  /** Replicas that must hold a claim before its label is bought (0: no WAIT). */
  replicaAcks?: number;
  /** How long a claim waits for those replicas. */
  replicaAckTimeoutMs?: number;
  now?: () => number;
  logger?: { warn(msg: string, fields?: Readonly<Record<string, unknown>>): void };
}

export interface RedisIdempotencyStore<T> extends IdempotencyStore<T> {
  /**
   * Writes the answers this instance produced again (after a change of primary or a store
   * loss they may be gone); resolves to how many were written.
   */
  writeBack(): Promise<number>;
}

/** A Redis command failed: the store is away (as opposed to an answer this module throws). */
class StoreAway extends Error {}

/** An answer this instance shared (or tried to): enough to write it again. */
interface SharedAnswer {
  id: string;
  redisKey: string;
  pending: string;
  /** The sealed answer, once known (until then the claim alone). */
  sealed?: string;
}

interface LocalEntry<T> {
  fingerprint: string;
  settled: Promise<Settled<T>>;
  expiresAt: number;
  shared?: SharedAnswer;
}

const LOCAL_MAX = 10_000;
/** What a repeat that found the key still running is told to wait before asking again. */
const IN_PROGRESS_RETRY_MS = 1_000;
const UNREPLICATED =
  'the idempotency claim could not be confirmed on a replica of the shared store; nothing was bought: retry later with the same key';

async function hashOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createRedisIdempotencyStore<T>(
  options: RedisIdempotencyOptions<T>,
): RedisIdempotencyStore<T> {
  const { connection, sealer } = options;
  const { client } = connection;
  const keys = redisKeys(options.namespace);
  const replicaAcks = options.replicaAcks ?? 0;
  const replicaAckTimeoutMs = options.replicaAckTimeoutMs ?? 1_000;
  const pendingTtlMs = options.pendingTtlMs ?? 120_000;
  const waitMs = options.waitMs ?? 20_000;
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? Date.now;
  // Answers this instance produced or is producing: same-instance repeats never wait on Redis,
  // and they survive a Redis outage.
  const local = new Map<string, LocalEntry<T>>();
  const waiters = new Map<string, Set<() => void>>();

  void connection.psubscribe(keys.patterns.channels, (channel, id) => {
    if (!channel.endsWith(CHANNEL.idempotencyDone)) return;
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

  function remember(key: string, fingerprint: string, settled: Promise<Settled<T>>): LocalEntry<T> {
    if (local.size >= LOCAL_MAX) {
      const at = now();
      for (const [k, e] of local) if (e.expiresAt <= at) local.delete(k);
      const oldest = local.keys().next();
      if (local.size >= LOCAL_MAX && !oldest.done) local.delete(oldest.value);
    }
    const entry: LocalEntry<T> = { fingerprint, settled, expiresAt: now() + ttlMs };
    local.set(key, entry);
    return entry;
  }

  // Replicas the primary had at the last claim (ROLE). A primary without replicas (as a
  // failover leaves one until the old primary returns) cannot lose a claim to a promotion:
  // its claims count at once instead of waiting for a replica that is not there.
  let knownReplicas = replicaAcks;

  /** WAIT on the node that holds `redisKey` (a pipeline goes where its key lives, in a cluster too). */
  async function replicated(redisKey: string, replicas: number): Promise<number> {
    const [, [error, acked] = []] =
      (await client.pipeline().get(redisKey).wait(replicas, replicaAckTimeoutMs).exec()) ?? [];
    return !error && typeof acked === 'number' ? acked : 0;
  }

  /**
   * Claims the key for this instance: 'taken' when another request holds it. With replicas
   * required, the claim counts only once the connected ones (up to `replicaAcks`) hold it;
   * otherwise it is released and nothing may be bought.
   */
  async function claim(redisKey: string, pending: string): Promise<'claimed' | 'taken'> {
    if (replicaAcks === 0) {
      const set = await away(() => client.set(redisKey, pending, 'PX', pendingTtlMs, 'NX'));
      return set === 'OK' ? 'claimed' : 'taken';
    }
    const wanted = Math.min(replicaAcks, knownReplicas);
    const pipeline = client.pipeline().set(redisKey, pending, 'PX', pendingTtlMs, 'NX').role();
    if (wanted > 0) pipeline.wait(wanted, replicaAckTimeoutMs);
    const results = await away(() => pipeline.exec());
    const [[setError, set] = [], [roleError, role] = [], [waitError, acked] = []] = results ?? [];
    if (setError) throw new StoreAway();
    if (set !== 'OK') return 'taken';
    if (!roleError && Array.isArray(role) && role[0] === 'master' && Array.isArray(role[2]))
      knownReplicas = role[2].length;
    const needed = Math.min(replicaAcks, knownReplicas);
    let confirmed = wanted > 0 && !waitError && typeof acked === 'number' ? acked : 0;
    // A replica appeared since the last claim: wait for it too.
    if (confirmed < needed && wanted < needed) confirmed = await replicated(redisKey, needed).catch(() => 0);
    if (confirmed >= needed) return 'claimed';
    await client.eval(RELEASE_SCRIPT, 1, redisKey, pending).catch(() => undefined);
    options.logger?.warn('idempotency claim not confirmed by a replica: label not bought', {
      replicas: needed,
    });
    throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS, UNREPLICATED);
  }

  /** Shares the answer: over our own claim, or where nothing is (a lease run out, a lost write). */
  async function share(answer: SharedAnswer & { sealed: string }, remainingMs: number): Promise<boolean> {
    const { id, redisKey, pending, sealed } = answer;
    const done = keys.idempotency(id).done;
    return (await client.eval(COMPLETE_SCRIPT, 1, redisKey, pending, sealed, remainingMs, id, done)) === 1;
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
    const entry = remember(key, fingerprint, settled);
    entry.shared = { id, redisKey, pending };
    const outcome = await settled;
    const record: IdempotencyRecord = {
      state: 'done',
      fingerprint,
      at: now(),
      outcome: outcome.ok
        ? { ok: true, value: outcome.value }
        : { ok: false, error: errorToWire(outcome.error) },
    };
    const sealed = await sealer.seal(JSON.stringify(record), redisKey);
    entry.shared = { id, redisKey, pending, sealed };
    try {
      if (!(await share({ id, redisKey, pending, sealed }, ttlMs)))
        options.logger?.warn('idempotency record taken by another request before the answer', { id });
    } catch {
      options.logger?.warn('idempotency answer kept on this instance only: shared store unreachable', { id });
    }
    return outcome;
  }

  async function settle(key: string, fingerprint: string, work: () => Promise<T>): Promise<Settled<T>> {
    const id = await hashOf(key);
    const redisKey = keys.idempotency(id).record;
    const deadline = now() + waitMs;
    // A few rounds: a pending record can vanish (its owner died) between reads.
    for (let round = 0; round < 5; round += 1) {
      const pending = await sealer.seal(
        JSON.stringify({ state: 'pending', fingerprint, owner: crypto.randomUUID(), startedAt: now() }),
        redisKey,
      );
      if ((await claim(redisKey, pending)) === 'claimed')
        return runOwned(key, id, redisKey, fingerprint, pending, work);
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

    async writeBack() {
      const at = now();
      const answers = [...local.values()].flatMap((e) =>
        e.shared && e.expiresAt > at ? [{ ...e.shared, remainingMs: e.expiresAt - at }] : [],
      );
      let written = 0;
      for (let i = 0; i < answers.length; i += 100) {
        const batch = await Promise.allSettled(
          answers.slice(i, i + 100).map(({ remainingMs, ...answer }) =>
            answer.sealed === undefined
              ? // Still running: put the claim back, so a repeat waits instead of buying again.
                client.set(answer.redisKey, answer.pending, 'PX', pendingTtlMs, 'NX').then((r) => r === 'OK')
              : share({ ...answer, sealed: answer.sealed }, remainingMs),
          ),
        );
        written += batch.filter((r) => r.status === 'fulfilled' && r.value).length;
      }
      return written;
    },
  };
}
