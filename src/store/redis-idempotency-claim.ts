/**
 * Claiming a label's Idempotency-Key in Redis (Node only): `SET NX` of a pending record with
 * a lease. On a replicated topology a failover may promote a replica that missed the newest
 * writes, so there a claim counts only once `replicaAcks` replicas hold it, or every
 * connected one if the primary has fewer (ROLE, WAIT, in one pipeline so they run on the
 * node that holds the key, in a cluster too). A claim that cannot be confirmed is released
 * and nothing may be bought: an absent record after a failover is then truly absent.
 *
 * A released claim leaves a tombstone for the claim's lifetime: an instance that kept a copy
 * of the claim but missed its release (its subscriber was reconnecting) must not restore it, or
 * the key would stay "in progress, then abandoned" although nothing was bought. The tombstone
 * blocks only the restoring of claims: a claim, an answer or an owner's write-back takes its
 * place. The releasing instance remembers its releases and writes the tombstones back after a
 * reconnection, as it writes back its answers, in case the store lost them.
 */
import { LRUCache } from 'lru-cache';
import { IdempotencyUnavailableError } from '../domain/errors.ts';
import type { RedisClient } from './redis-clients.ts';

/** A Redis command failed: the store is away (as opposed to an answer the store gives). */
export class StoreAway extends Error {}

/** Runs a command; any failure of it means the store is away. */
export async function away<R>(command: () => Promise<R>): Promise<R> {
  try {
    return await command();
  } catch {
    throw new StoreAway();
  }
}

/** What a released claim leaves in its record's place (not sealed: it says nothing). */
export const RELEASED = 'released';

/** Takes the key if it is free (or a released claim's) and announces the claim. */
const CLAIM_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current ~= false and current ~= ARGV[5] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 'OK'
`;

/**
 * Replaces a claim by a tombstone if it is still ours, or nothing (or a tombstone) is there,
 * and announces it released (the copies of it go): nothing was bought under it. 1 when it
 * replaced our claim.
 */
const RELEASE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] and current ~= false and current ~= ARGV[5] then return 0 end
redis.call('PUBLISH', ARGV[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[4])
if current == ARGV[1] then return 1 end
return 0
`;

/** Where a claim is announced: its channel, the claim message and the release message. */
export interface ClaimNotice {
  channel: string;
  claimed: string;
  released: string;
}

/** How often the release of an unanswered claim is tried again while Redis does not answer. */
const UNCERTAIN_RETRY_MS = 1_000;

/**
 * Puts a record back where the store has none: a copy of another's claim never over a
 * tombstone (its release was missed), an answer or this instance's own running claim over one.
 */
const RESTORE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false or (ARGV[4] == '1' and current == ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/** Writes `sealed` back at `redisKey` if nothing (or, when allowed, only a tombstone) is there. */
export async function restoreRecord(
  client: RedisClient,
  redisKey: string,
  sealed: string,
  ttlMs: number,
  overTombstone: boolean,
): Promise<boolean> {
  const written = await client.eval(
    RESTORE_SCRIPT,
    1,
    redisKey,
    sealed,
    ttlMs,
    RELEASED,
    overTombstone ? '1' : '0',
  );
  return written === 1;
}

/** Releases remembered for their tombstones' write-back. */
const RELEASES_KEPT = 10_000;

/** What a request that could not be served yet is told to wait before asking again. */
export const IN_PROGRESS_RETRY_MS = 1_000;

const UNREPLICATED =
  'the idempotency claim could not be confirmed on a replica of the shared store; nothing was bought: retry later with the same key';

export interface ClaimOptions {
  client: RedisClient;
  /** Lease of a pending record. */
  pendingTtlMs: number;
  /** Replicas that must hold a claim (0: no WAIT). */
  replicaAcks: number;
  replicaAckTimeoutMs: number;
  logger?: { warn(msg: string, fields?: Readonly<Record<string, unknown>>): void };
}

export function createClaims(options: ClaimOptions) {
  const { client, pendingTtlMs, replicaAcks, replicaAckTimeoutMs } = options;
  // Replicas the primary had at the last claim. A primary without replicas (as a failover
  // leaves one until the old primary returns) cannot lose a claim to a promotion: its claims
  // count at once instead of waiting for a replica that is not there.
  let knownReplicas = replicaAcks;

  /** WAIT on the node that holds `redisKey`. */
  async function replicated(redisKey: string, replicas: number): Promise<number> {
    const [, [error, acked] = []] =
      (await client.pipeline().get(redisKey).wait(replicas, replicaAckTimeoutMs).exec()) ?? [];
    return !error && typeof acked === 'number' ? acked : 0;
  }

  const uncertain = new Map<string, { pending: string; notice: ClaimNotice }>();
  // Claims this instance released, for their lifetime (bounded): their tombstones go back
  // after a reconnection.
  const released = new LRUCache<string, { pending: string; notice: ClaimNotice }>({
    max: RELEASES_KEPT,
    ttl: pendingTtlMs,
  });
  const release = async (redisKey: string, pending: string, notice: ClaimNotice) => {
    const deleted = await client.eval(
      RELEASE_SCRIPT,
      1,
      redisKey,
      pending,
      notice.channel,
      notice.released,
      pendingTtlMs,
      RELEASED,
    );
    released.set(redisKey, { pending, notice }, { noUpdateTTL: true });
    return deleted;
  };
  let retry: ReturnType<typeof setTimeout> | undefined;

  /** Releases the claims whose answer never came (they are ours if they landed); how many. */
  async function releaseUncertain(): Promise<number> {
    let released = 0;
    await Promise.all(
      [...uncertain].map(async ([redisKey, { pending, notice }]) => {
        const deleted = await release(redisKey, pending, notice).catch(() => undefined);
        if (deleted === undefined) return;
        uncertain.delete(redisKey);
        if (deleted === 1) released += 1;
      }),
    );
    if (uncertain.size > 0 && retry === undefined) {
      retry = setTimeout(() => {
        retry = undefined;
        void releaseUncertain();
      }, UNCERTAIN_RETRY_MS);
      (retry as { unref?: () => void }).unref?.();
    }
    return released;
  }

  return {
    releaseUncertain,
    /** Writes the tombstones of this instance's releases again (the store may have lost them). */
    async writeBackReleases(): Promise<number> {
      const entries = [...released.entries()];
      const done = await Promise.allSettled(
        entries.map(([redisKey, { pending, notice }]) => release(redisKey, pending, notice)),
      );
      return done.filter((d) => d.status === 'fulfilled').length;
    },
    /** 'taken' when another request holds the key; throws StoreAway, or in progress when unconfirmed. */
    async claim(redisKey: string, pending: string, notice: ClaimNotice): Promise<'claimed' | 'taken'> {
      const claimArgs = [
        CLAIM_SCRIPT,
        1,
        redisKey,
        pending,
        pendingTtlMs,
        notice.channel,
        notice.claimed,
        RELEASED,
      ] as const;
      if (replicaAcks === 0) {
        const set = await away(() => client.eval(...claimArgs)).catch((error: unknown) => {
          // Unanswered, the claim may still land (a frozen Redis runs it when it resumes): its
          // release is sent at once (on the same connection it runs right after the claim) and
          // again until Redis answers, so no repeat waits on a claim nobody holds.
          uncertain.set(redisKey, { pending, notice });
          void releaseUncertain();
          throw error;
        });
        return set === 'OK' ? 'claimed' : 'taken';
      }
      const wanted = Math.min(replicaAcks, knownReplicas);
      const pipeline = client
        .pipeline()
        .eval(...claimArgs)
        .role();
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
      if (confirmed < needed && wanted < needed)
        confirmed = await replicated(redisKey, needed).catch(() => 0);
      if (confirmed >= needed) return 'claimed';
      await release(redisKey, pending, notice).catch(() => undefined);
      options.logger?.warn('idempotency claim not confirmed by a replica: label not bought', {
        replicas: needed,
      });
      throw new IdempotencyUnavailableError(IN_PROGRESS_RETRY_MS, UNREPLICATED);
    },
  };
}
