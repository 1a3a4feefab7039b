/**
 * Every Redis key and channel name the gateway uses, in one place.
 *
 * Redis Cluster hashes a key to one of 16,384 slots by its hash tag (the text between the
 * first `{` and the next `}`), and one script may only touch keys of one slot. Hence:
 * - Everything about one account carries the account's tag: its tokens, their refresh locks
 *   and update channels, its breaker probe lock, and the per-account control state (add it
 *   to `account()` below). Each script runs in one slot; tags are hashes, so different
 *   accounts spread over every slot and every shard.
 * - Fleet-global names carry the tag `{fleet}`: they sit together on one shard (a script may
 *   combine them); keep them few and small. Note that in a cluster a shard can be lost or
 *   fail over alone: a marker that must say "this data survived" belongs beside that data
 *   (in the account's slot), not in `{fleet}`.
 * - Scripts get channel names as arguments, never as keys, and publish with classic
 *   PUBLISH: in a cluster the message reaches every node over the cluster bus, so a
 *   subscriber anywhere sees it, at the rate of one message per token refresh or label.
 *   Channels still carry their owner's tag, so sharded pub/sub (SPUBLISH) stays a one-line
 *   change should that traffic ever matter.
 * - The namespace (letters, digits, `_`, `-`) starts every name, so one ACL key pattern
 *   `~<namespace>:*` and one channel pattern `&<namespace>:*` cover the gateway.
 *
 * Adding a key is one line in `account()` or `fleet`.
 */

/** A short hash naming one account: the hash tag of all its keys (no secret in it). */
export async function accountTag(carrier: string, account: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`${carrier}\u0000${account}`),
  );
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** How each kind of channel name ends (what a pattern subscriber filters on). */
export const CHANNEL = { tokenUpdates: ':updated', idempotencyDone: ':idem-done' } as const;

const GROUPED = /^([^{}]*)\{([^{}]+)\}([^{}]*)$/;

export interface TokenKeys {
  /** Hash of the sealed token and its version. */
  value: string;
  /** The refresh lock (owner id, with a lease). */
  lock: string;
  /** Channel announcing a new version (`<store key> <version>`). */
  updates: string;
}

export function redisKeys(namespace: string) {
  const tagged = (tag: string, name: string) => `${namespace}:{${tag}}:${name}`;

  return {
    namespace,

    /**
     * The names of one token, from the broker's store key. A store key that carries a group
     * `{tag}` (the account's tag: every token of one account in one slot) is placed in that
     * slot; any other store key is its own tag.
     */
    token(storeKey: string): TokenKeys {
      const grouped = GROUPED.exec(storeKey);
      const base = grouped
        ? tagged(grouped[2]!, `${grouped[1]}${grouped[3]}`)
        : `${namespace}:{${storeKey.replace(/[{}]/g, '')}}`;
      return { value: `${base}:token`, lock: `${base}:lock`, updates: `${base}${CHANNEL.tokenUpdates}` };
    },

    /** The names of one account (`tag` from accountTag). */
    account(tag: string) {
      return {
        /** The fleet's single half-open probe of the account's breaker. */
        probeLock: tagged(tag, 'probe'),
      };
    },

    /**
     * One label idempotency record (`id`: hash of the caller's Idempotency-Key), the compact
     * copy of its answer that instances load at start-up (small: a label without its
     * document), and its channel.
     */
    idempotency(id: string) {
      return {
        record: tagged(id, 'idem'),
        copy: tagged(id, 'idem-copy'),
        done: `${namespace}:{${id}}${CHANNEL.idempotencyDone}`,
      };
    },

    /** Fleet-global names. */
    fleet: {
      /** Channel of the auth breakers' open and close decisions. */
      breakers: tagged('fleet', 'breakers'),
      /** Probe key of the start-up permission check (written and deleted at once). */
      permissionProbe: tagged('fleet', 'permission-probe'),
    },

    /** Patterns (PSUBSCRIBE and SCAN MATCH). */
    patterns: {
      /**
       * The one pattern the gateway subscribes to (each handler picks its channels by suffix,
       * see CHANNEL): Redis allows PSUBSCRIBE only for a pattern the user's ACL names
       * literally, and `&<namespace>:*` is the one the ACL line grants.
       */
      channels: `${namespace}:*`,
      tokens: `${namespace}:{*:token`,
      /** Every label idempotency record (`idempotency(id).record`). */
      idempotencyRecords: `${namespace}:{*}:idem`,
      /** Every compact copy of an answer (`idempotency(id).copy`). */
      idempotencyCopies: `${namespace}:{*}:idem-copy`,
    },
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
