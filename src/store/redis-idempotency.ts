/**
 * Idempotency records in Redis (Node only), so a label request retried on another instance
 * is replayed, not bought twice.
 *
 * - The first request claims the key with `SET NX` (a pending record with a lease); it runs,
 *   then replaces its own pending record by the answer (value or problem-ready error), kept
 *   24 hours, and publishes that the key is done.
 * - A repeat with the same key and body replays the answer; with another body it is a
 *   conflict, at once even while the key is pending (as the memory store and the Durable
 *   Object ledger answer). A repeat that finds the key pending (on any instance) waits for the answer,
 *   woken by pub/sub (polling as a fallback), until a deadline: then 409 in progress.
 * - A pending record whose owner stopped before answering (its lease ran out) is never run
 *   again: the purchase may have happened, so a repeat is answered `abandoned` (for a label:
 *   label-outcome-unknown). The claim itself lives as long as the answers do.
 * - Records are sealed (AES-256-GCM, bound to their key name); key names are hashes.
 * - Redis unreachable: the label is refused (503 idempotency-unavailable, nothing bought), so
 *   two instances can never both buy it. A claim sent but not answered is released once Redis
 *   answers again. Opt-in for a single instance (`whenUnreachable: 'local'`): the answer is
 *   kept on this instance only, and repeats on this instance replay.
 * - Replicated topologies (Sentinel, a cluster with replicas): a label is bought only once
 *   its claim reached the replicas (redis-idempotency-claim.ts); otherwise 409, retry later.
 *   An answer written after the claim may still be lost: on a change of primary,
 *   `writeBack()` writes the answers this instance holds again (over its own pending claim,
 *   or where nothing is), and wakes the repeats waiting for them.
 * - Every instance keeps a compact copy of every answer the fleet produced (its done message
 *   carries it, sealed: a label without its document), for the records' lifetime, bounded.
 *   When the store comes back without a record (an empty restart), `writeBack()` restores it
 *   from any live instance, so a repeat never buys again even if the instance that bought it
 *   is gone too; such a replay answers the label with its document marked missing.
 * - Key names come from redis-keys.ts (record and channel share the record's hash tag).
 */

import { errorFromWire, errorToWire } from '../domain/error-wire.ts';
import {
  IdempotencyConflictError,
  IdempotencyInProgressError,
  IdempotencyUnavailableError,
} from '../domain/errors.ts';
import {
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type RunOptions,
  type Settled,
} from '../resilience/idempotency.ts';
import { IdempotencyRecord } from '../resilience/idempotency-record.ts';
import type { Sealer } from './encryption.ts';
import type { RedisConnection } from './redis-connection.ts';
import {
  away,
  createClaims,
  IN_PROGRESS_RETRY_MS,
  RELEASED,
  restoreRecord,
  StoreAway,
} from './redis-idempotency-claim.ts';
import { announce, createFleetCopies, inBatches } from './redis-idempotency-copies.ts';
import { CHANNEL, redisKeys } from './redis-keys.ts';

/**
 * Writes the answer over our own pending claim, or where nothing (or a released claim's
 * tombstone) is; never over another's record. Its compact copy (if any) goes beside it, for instances starting later to load.
 */
const COMPLETE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current ~= false and current ~= ARGV[1] and current ~= ARGV[7] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[6] ~= '' then redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[3]) end
redis.call('PUBLISH', ARGV[5], ARGV[4])
return 1
`;

export interface RedisIdempotencyOptions<T> {
  connection: RedisConnection;
  namespace: string;
  sealer: Sealer;
  /** Checks a replayed value (zod at the boundary). */
  decodeValue(raw: unknown): T;
  /** Lease of a pending record: how long a first request may run before it counts as abandoned. */
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
  /** With Redis unreachable: 'refuse' (default, fleet-safe) or 'local' (one instance only). */
  whenUnreachable?: 'refuse' | 'local';
  /** The compact form of a value kept by every instance (a label without its document). */
  compact?: (value: T) => unknown;
  /** Compact answers kept per instance at most (default 50,000). */
  maxCopies?: number;
  /** Bytes those compact copies may hold per instance (default 64 MiB). */
  maxCopyBytes?: number;
  /**
   * Bytes of the answers this instance produced that it keeps whole (for repeats without a
   * round trip and for writing them back after a store loss; default 32 MiB, at most 10,000).
   */
  maxLocalBytes?: number;
}

export interface RedisIdempotencyStore<T> extends IdempotencyStore<T> {
  /**
   * Writes the answers this instance produced again (after a change of primary or a store
   * loss they may be gone); resolves to how many were written.
   */
  writeBack(): Promise<number>;
  /** Releases claims sent while Redis did not answer (call when it answers again). */
  releaseUncertainClaims(): Promise<number>;
  /**
   * Takes a copy of every claim and answer the store holds (at start-up, and after each
   * reconnection): an instance started after a label was bought can still restore its record
   * if the store later loses it. Until the first copy completes, labels are refused.
   * Resolves to how many copies were taken.
   */
  loadCopies(): Promise<number>;
  /** Whether the first copy of the fleet's records is still under way (labels are refused). */
  copying(): boolean;
  /** Told how many answers each write-back restored (the store-loss report counts them). */
  onWrittenBack(listener: (written: number) => void): void;
  /**
   * The answers this instance keeps whole and their bytes (bounded by `maxLocalBytes`), and the
   * compact copies of the fleet's answers and theirs (`maxCopies`, `maxCopyBytes`).
   */
  held(): { answers: number; bytes: number; copies: number; copyBytes: number };
}

/** An answer this instance shared (or tried to): enough to write it again. */
interface SharedAnswer {
  id: string;
  redisKey: string;
  pending: string;
  /** The sealed answer, once known (until then the claim alone). */
  sealed?: string;
  /** Its compact form, which every instance keeps. */
  copy?: string;
}

interface LocalEntry<T> {
  fingerprint: string;
  settled: Promise<Settled<T>>;
  expiresAt: number;
  shared?: SharedAnswer;
  /** What the entry holds, counted once its answer is known (the answer and its sealed forms). */
  bytes: number;
}

const LOCAL_MAX = 10_000;
/** Default bound of the answers an instance keeps itself, in bytes (see `maxLocalBytes`). */
export const LOCAL_MAX_BYTES = 32 * 2 ** 20;

const COPYING =
  "this instance is still copying the fleet's label answers from the shared store; nothing was bought: retry with the same key";

async function hashOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bytes an answer costs while held: the value and its sealed copy are each about `sealed`. */
const heldBytes = (shared: SharedAnswer) =>
  2 * (shared.sealed?.length ?? 0) + (shared.copy?.length ?? 0) + shared.pending.length;

/**
 * Answers this instance produced or is producing, by caller key, bounded in count and in bytes
 * (expired first, then oldest out). One that is dropped is still in the shared store and in
 * every instance's compact copies; only this instance's full copy for a write-back goes.
 */
function createLocalAnswers<T>(ttlMs: number, now: () => number, maxBytes: number) {
  const local = new Map<string, LocalEntry<T>>();
  let bytes = 0;
  const drop = (key: string) => {
    const entry = local.get(key);
    if (entry === undefined) return;
    bytes -= entry.bytes;
    local.delete(key);
  };
  const full = (adding: number) => local.size + adding > LOCAL_MAX || bytes > maxBytes;
  function makeRoom(adding: number): void {
    if (!full(adding)) return;
    const at = now();
    for (const [k, e] of local) if (e.expiresAt <= at) drop(k);
    for (const k of local.keys()) {
      if (!full(adding)) return;
      drop(k);
    }
  }
  return {
    get: (key: string) => local.get(key),
    entries: () => local.values(),
    held: () => ({ answers: local.size, bytes }),
    remember(key: string, fingerprint: string, settled: Promise<Settled<T>>): LocalEntry<T> {
      drop(key);
      makeRoom(1);
      const entry: LocalEntry<T> = { fingerprint, settled, expiresAt: now() + ttlMs, bytes: 0 };
      local.set(key, entry);
      return entry;
    },
    /** The entry's answer is known: it counts from now on. */
    share(key: string, entry: LocalEntry<T>, shared: SharedAnswer): void {
      entry.shared = shared;
      if (local.get(key) !== entry) return;
      const size = heldBytes(shared);
      bytes += size - entry.bytes;
      entry.bytes = size;
      makeRoom(0);
    },
  };
}

/** Sleeps of repeats waiting for a record, cut short by its completion message. */
function createWakeups() {
  const waiters = new Map<string, Set<() => void>>();
  return {
    wake(id: string) {
      for (const wake of waiters.get(id) ?? []) wake();
    },
    /** Resolves after `ms`, or as soon as record `id` is announced done. */
    sleep(id: string, ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0) waiters.delete(id);
          resolve();
        };
        set.add(wake);
        const timer = setTimeout(wake, ms);
      });
    },
  };
}

export function createRedisIdempotencyStore<T>(
  options: RedisIdempotencyOptions<T>,
): RedisIdempotencyStore<T> {
  const { connection, sealer } = options;
  const { client } = connection;
  const keys = redisKeys(options.namespace);
  const pendingTtlMs = options.pendingTtlMs ?? 120_000;
  const waitMs = options.waitMs ?? 20_000;
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? Date.now;
  // Answers this instance produced or is producing: same-instance repeats never wait on Redis,
  // and they survive a Redis outage.
  const local = createLocalAnswers<T>(ttlMs, now, options.maxLocalBytes ?? LOCAL_MAX_BYTES);
  const wakeups = createWakeups();
  /** The write-back under way after the store returned (claims wait for it). */
  let restoring: Promise<unknown> = Promise.resolve();
  const writtenBack = new Set<(written: number) => void>();
  // Copies of the fleet's claims and answers (redis-idempotency-copies.ts).
  const copies = createFleetCopies({
    connection,
    keys,
    sealer,
    ttlMs,
    now,
    max: options.maxCopies ?? 50_000,
    maxBytes: options.maxCopyBytes ?? 64 * 2 ** 20,
    // Not decoded here (thousands at start-up): the record is authenticated as the gateway's own
    // (sealed, bound to its name), and a replay decodes the copy before answering with it.
    compactRecord: (record) =>
      record.outcome.ok && options.compact
        ? { ...record, outcome: { ok: true, value: options.compact(record.outcome.value as T) } }
        : record,
  });
  /** 'none' until loadCopies is first asked; labels wait for a first complete copy. */
  let firstCopy: 'none' | 'running' | 'done' = 'none';
  const subscribed = connection.psubscribe(keys.patterns.channels, (channel, message) => {
    if (!channel.endsWith(CHANNEL.idempotencyDone)) return;
    const space = message.indexOf(' ');
    const id = space < 0 ? message : message.slice(0, space);
    copies.heard(id, space < 0 ? '' : message.slice(space + 1));
    wakeups.wake(id);
  });

  const claims = createClaims({
    client,
    // A claim outlives its lease: an abandoned purchase must never look like an unused key.
    pendingTtlMs: ttlMs,
    replicaAcks: options.replicaAcks ?? 0,
    replicaAckTimeoutMs: options.replicaAckTimeoutMs ?? 1_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });

  const { claim, releaseUncertain } = claims;

  async function read(redisKey: string): Promise<IdempotencyRecord | undefined> {
    const sealed = await away(() => client.get(redisKey));
    // A released claim's tombstone: the key is free.
    if (sealed === null || sealed === RELEASED) return undefined;
    return IdempotencyRecord.parse(JSON.parse(await sealer.open(sealed, redisKey)));
  }

  function replay(record: IdempotencyRecord & { state: 'done' }): T {
    if (record.outcome.ok) return options.decodeValue(record.outcome.value);
    throw errorFromWire(record.outcome.error, Math.max(0, now() - record.at));
  }

  /** Shares the answer: over our own claim, or where nothing is (a lease run out, a lost write). */
  async function share(answer: SharedAnswer & { sealed: string }, remainingMs: number): Promise<boolean> {
    const { id, redisKey, pending, sealed, copy } = answer;
    const names = keys.idempotency(id);
    const message = announce.answered(id, copy);
    const args = [pending, sealed, remainingMs, message, names.done, copy ?? '', RELEASED];
    return (await client.eval(COMPLETE_SCRIPT, 2, redisKey, names.copy, ...args)) === 1;
  }

  /**
   * Waits until the record is no longer pending (or gone), or the deadline passes. Another
   * body's record is returned at once: the key is taken whatever its answer will be.
   */
  async function waitForAnswer(
    id: string,
    redisKey: string,
    fingerprint: string,
    deadline: number,
  ): Promise<IdempotencyRecord | undefined> {
    for (;;) {
      const record = await read(redisKey);
      if (record === undefined || record.state === 'done' || now() >= deadline) return record;
      if (record.fingerprint !== fingerprint) return record;
      if (abandoned(record)) return record;
      await wakeups.sleep(id, Math.min(pollMs, Math.max(0, deadline - now())));
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
    const entry = local.remember(key, fingerprint, settled);
    local.share(key, entry, { id, redisKey, pending });
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
    const compactRecord: IdempotencyRecord =
      outcome.ok && options.compact
        ? { ...record, outcome: { ok: true, value: options.compact(outcome.value) } }
        : record;
    const copy = await sealer.seal(JSON.stringify(compactRecord), redisKey);
    local.share(key, entry, { id, redisKey, pending, sealed, copy });
    try {
      if (!(await share({ id, redisKey, pending, sealed, copy }, ttlMs)))
        options.logger?.warn('idempotency record taken by another request before the answer', { id });
    } catch {
      options.logger?.warn('idempotency answer kept on this instance only: shared store unreachable', { id });
    }
    return outcome;
  }

  /** A pending claim whose lease ran out: its instance stopped before answering. */
  const abandoned = (record: IdempotencyRecord) =>
    record.state === 'pending' && now() - record.startedAt > pendingTtlMs;

  async function settle(
    key: string,
    fingerprint: string,
    work: () => Promise<T>,
    runOptions: RunOptions,
  ): Promise<Settled<T>> {
    await restoring;
    // Without the fleet's copies a repeat here could not be restored after a store loss.
    if (firstCopy === 'running' && connection.connected)
      throw new IdempotencyUnavailableError(IN_PROGRESS_RETRY_MS, COPYING);
    const id = await hashOf(key);
    const redisKey = keys.idempotency(id).record;
    const notice = (pending: string) => ({
      channel: keys.idempotency(id).done,
      claimed: announce.claimed(id, pending),
      released: announce.released(id, pending),
    });
    // The store may have lost this key's record, its write-back not done yet: ours goes first.
    const copy = copies.get(id);
    if (copy !== undefined) await away(() => copies.restore(id, copy));
    const deadline = now() + waitMs;
    // A few rounds: a pending record can vanish (its owner died) between reads.
    for (let round = 0; round < 5; round += 1) {
      const pending = await sealer.seal(
        JSON.stringify({ state: 'pending', fingerprint, owner: crypto.randomUUID(), startedAt: now() }),
        redisKey,
      );
      if ((await claim(redisKey, pending, notice(pending))) === 'claimed')
        return runOwned(key, id, redisKey, fingerprint, pending, work);
      let record: IdempotencyRecord | undefined;
      try {
        record = await waitForAnswer(id, redisKey, fingerprint, deadline);
      } catch (error) {
        // Another instance may be buying this label right now: never run it a second time here.
        if (error instanceof StoreAway) throw new IdempotencyUnavailableError(IN_PROGRESS_RETRY_MS);
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
      if (abandoned(record) && runOptions.abandoned) return { ok: false, error: runOptions.abandoned() };
      break;
    }
    throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS);
  }

  async function writeBackAll(): Promise<number> {
    const at = now();
    const answers = [...local.entries()].flatMap((e) =>
      e.shared && e.expiresAt > at ? [{ ...e.shared, remainingMs: e.expiresAt - at }] : [],
    );
    // Still running: the claim goes back, so a repeat waits instead of buying again.
    const reclaim = (answer: SharedAnswer) =>
      restoreRecord(client, answer.redisKey, answer.pending, ttlMs, true);
    const written = await inBatches(answers, ({ remainingMs, ...answer }) =>
      answer.sealed === undefined
        ? reclaim(answer)
        : share({ ...answer, sealed: answer.sealed }, remainingMs),
    );
    // The tombstones of claims this instance released go back before any copy is restored.
    await claims.writeBackReleases();
    // The fleet's other claims and answers, from their copies, only where the record is gone.
    const mine = new Set(answers.map((a) => a.id));
    const others = copies.list().filter(({ id }) => !mine.has(id));
    const restored = await inBatches(others, ({ id, copy }) => copies.restore(id, copy));
    return written + restored;
  }

  async function loadCopies(): Promise<number> {
    if (firstCopy === 'none') firstCopy = 'running';
    // Subscribed first: an answer announced while the store is read is heard, not missed.
    await subscribed;
    const copied = await copies.load();
    firstCopy = 'done';
    return copied;
  }

  return {
    loadCopies,
    copying: () => firstCopy === 'running',
    held: () => ({ ...local.held(), ...copies.held() }),
    async run(key, fingerprint, work, runOptions = {}) {
      const mine = local.get(key);
      if (mine !== undefined && mine.expiresAt > now()) {
        if (mine.fingerprint !== fingerprint) throw new IdempotencyConflictError();
        const outcome = await mine.settled;
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      let outcome: Settled<T>;
      try {
        outcome = await settle(key, fingerprint, work, runOptions);
      } catch (error) {
        if (!(error instanceof StoreAway)) throw error;
        if (options.whenUnreachable !== 'local') {
          options.logger?.warn('label refused: the shared idempotency store is unreachable');
          throw new IdempotencyUnavailableError(IN_PROGRESS_RETRY_MS);
        }
        options.logger?.warn('idempotency degraded: shared store unreachable, answer kept on this instance');
        const settled = work().then(
          (value): Settled<T> => ({ ok: true, value }),
          (e: unknown): Settled<T> => ({ ok: false, error: e }),
        );
        local.remember(key, fingerprint, settled);
        outcome = await settled;
      }
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    },

    releaseUncertainClaims: releaseUncertain,

    writeBack() {
      // Claims wait for the write-back: a repeat must find its restored record, not a gap.
      // Set at once (in the same turn as the reconnection): no claim slips in before it.
      const done = releaseUncertain()
        .catch(() => 0)
        .then(writeBackAll);
      restoring = done.catch(() => 0);
      void done.then(
        (written) => {
          for (const listener of writtenBack) listener(written);
        },
        () => undefined,
      );
      return done;
    },

    onWrittenBack(listener) {
      writtenBack.add(listener);
    },
  };
}
