/**
 * The Redis token store (Node only), shared by every gateway instance.
 * - Writes are compare-and-set on a version in one Lua script: a late writer can never
 *   overwrite a newer token, whatever the locks did (locks here are for efficiency only).
 * - A refresh lock per key with a random owner and a TTL; only its owner can release it.
 * - Instances waiting for a refresh are woken by pub/sub when the new token lands, with
 *   polling as a fallback, never past their deadline.
 * - Values are sealed with AES-256-GCM; key names are hashes, namespaced per environment.
 * - Key names come from redis-keys.ts: a token, its lock and its channel share one hash tag,
 *   so every script runs in one Redis Cluster slot; the channel is a script argument.
 */
import type { CompareAndSetResult, StoredToken, TokenStore, Versioned } from '../auth/types.ts';
import { createSealer, type EncryptionKeyConfig, type Sealer } from './encryption.ts';
import type { RedisTarget } from './redis-clients.ts';
import { createRedisConnection, type RedisConnection } from './redis-connection.ts';
import { CHANNEL, redisKeys } from './redis-keys.ts';

const CAS_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, current, redis.call('HGET', KEYS[1], 'd') or false}
end
local next = current + 1
redis.call('HSET', KEYS[1], 'v', next, 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
redis.call('PUBLISH', ARGV[5], ARGV[4] .. ' ' .. next)
return {1, next}
`;

/** A version this instance holds, written back unless the store has it or a newer one. */
const RESTORE_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
redis.call('PUBLISH', ARGV[5], ARGV[4] .. ' ' .. ARGV[1])
return 1
`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const EXTEND_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

export interface RedisStoreOptions {
  /** Where Redis is (a URL, or a cluster or sentinel target); ignored when `connection` is given. */
  url?: string | RedisTarget;
  /** A connection shared with the instance's other Redis users (closed by its owner, not here). */
  connection?: RedisConnection;
  /** Prefix of every key, e.g. 'cg:production'. */
  namespace: string;
  encryptionKeys: readonly EncryptionKeyConfig[];
  /** How long a stored token outlives its expiry (kept for its refresh token). */
  retentionMs?: number;
  /** Poll interval while waiting for another instance's refresh, if no message arrives. */
  pollMs?: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export interface RefreshLock {
  /** Extends the lease to `ttlMs` from now; false when the lock is no longer ours. */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

export interface RedisTokenStore extends TokenStore {
  /** Takes the refresh lock of `key` for `ttlMs`, or undefined when another owner holds it. */
  tryLock(key: string, ttlMs: number): Promise<RefreshLock | undefined>;
  /** Resolves when `key` holds a version above `afterVersion` (or at the deadline, with what is stored). */
  waitForVersion(
    key: string,
    afterVersion: number,
    deadline: number,
  ): Promise<Versioned<StoredToken> | undefined>;
  /** Whether the connection is up right now. */
  readonly connected: boolean;
  ping(): Promise<boolean>;
  onConnectionChange(listener: (connected: boolean) => void): void;
  /** A failover: the new primary may miss the newest writes (the store-loss protocol runs). */
  onPrimaryChange(listener: () => void): void;
  close(): Promise<void>;
}

const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export async function createRedisTokenStore(options: RedisStoreOptions): Promise<RedisTokenStore> {
  const sealer: Sealer = await createSealer(options.encryptionKeys);
  if (options.connection === undefined && options.url === undefined)
    throw new Error('the Redis token store needs a url or a connection');
  const connection =
    options.connection ??
    (await createRedisConnection({
      ...(typeof options.url === 'string' ? { url: options.url } : (options.url ?? { url: '' })),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    }));
  const ownsConnection = options.connection === undefined;
  const { client } = connection;
  const keys = redisKeys(options.namespace);
  const tokenKey = (key: string) => keys.token(key).value;
  const lockKey = (key: string) => keys.token(key).lock;
  const pollMs = options.pollMs ?? 250;
  const waiters = new Map<string, Set<() => void>>();

  void connection.psubscribe(keys.patterns.channels, (channel, message) => {
    if (!channel.endsWith(CHANNEL.tokenUpdates)) return;
    const key = message.slice(0, message.lastIndexOf(' '));
    for (const wake of waiters.get(key) ?? []) wake();
  });

  async function decode(
    key: string,
    version: number,
    sealed: string | null,
  ): Promise<Versioned<StoredToken> | undefined> {
    if (!sealed) return undefined;
    const value = JSON.parse(await sealer.open(sealed, tokenKey(key))) as StoredToken;
    return { value, version };
  }

  const store: RedisTokenStore = {
    get connected() {
      return connection.connected;
    },

    async get(key) {
      const [version, sealed] = await client.hmget(tokenKey(key), 'v', 'd');
      return decode(key, Number(version ?? 0), sealed ?? null);
    },

    async compareAndSet(key, expectedVersion, value): Promise<CompareAndSetResult<StoredToken>> {
      const sealed = await sealer.seal(JSON.stringify(value), tokenKey(key));
      const ttl = Math.max(0, value.expiresAt - Date.now()) + (options.retentionMs ?? DEFAULT_RETENTION_MS);
      const names = keys.token(key);
      const result = (await client.eval(
        CAS_SCRIPT,
        1,
        names.value,
        expectedVersion,
        sealed,
        ttl,
        key,
        names.updates,
      )) as [number, number, (string | null)?];
      if (result[0] === 1) return { ok: true, version: result[1] };
      return { ok: false, current: await decode(key, result[1], result[2] ?? null) };
    },

    async delete(key) {
      await client.del(tokenKey(key));
    },

    async restore(key, version, value) {
      const sealed = await sealer.seal(JSON.stringify(value), tokenKey(key));
      const ttl = Math.max(0, value.expiresAt - Date.now()) + (options.retentionMs ?? DEFAULT_RETENTION_MS);
      const names = keys.token(key);
      return (
        (await client.eval(RESTORE_SCRIPT, 1, names.value, version, sealed, ttl, key, names.updates)) === 1
      );
    },

    async clear() {
      // One DEL per key (in a cluster, keys of different accounts live in different slots),
      // sent in batches rather than one round trip at a time.
      const names = await connection.scan(keys.patterns.tokens);
      for (let i = 0; i < names.length; i += 500)
        await Promise.all(names.slice(i, i + 500).map((name) => client.del(name)));
    },

    async tryLock(key, ttlMs) {
      const owner = crypto.randomUUID();
      const taken = await client.set(lockKey(key), owner, 'PX', ttlMs, 'NX');
      if (taken !== 'OK') return undefined;
      return {
        extend: async (extendMs) =>
          (await client.eval(EXTEND_SCRIPT, 1, lockKey(key), owner, extendMs)) === 1,
        release: async () => {
          await client.eval(RELEASE_SCRIPT, 1, lockKey(key), owner);
        },
      };
    },

    async waitForVersion(key, afterVersion, deadline) {
      const read = () => store.get(key);
      let current = await read();
      while ((current?.version ?? 0) <= afterVersion && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            set.delete(wake);
            if (set.size === 0) waiters.delete(key);
            resolve();
          };
          const set = waiters.get(key) ?? new Set();
          waiters.set(key, set);
          set.add(wake);
          const timer = setTimeout(wake, Math.min(pollMs, Math.max(0, deadline - Date.now())));
        });
        current = await read();
      }
      return current;
    },

    ping: () => connection.ping(),

    onConnectionChange(listener) {
      connection.onConnectionChange(listener);
    },

    onPrimaryChange(listener) {
      connection.onPrimaryChange(() => listener());
    },

    async close() {
      if (ownsConnection) await connection.close();
    },
  };
  return store;
}
