/**
 * The Redis token store (Node only), shared by every gateway instance.
 * - Writes are compare-and-set on a version in one Lua script: a late writer can never
 *   overwrite a newer token, whatever the locks did (locks here are for efficiency only).
 * - A refresh lock per key with a random owner and a TTL; only its owner can release it.
 * - Instances waiting for a refresh are woken by pub/sub when the new token lands, with
 *   polling as a fallback, never past their deadline.
 * - Values are sealed with AES-256-GCM; key names are hashes, namespaced per environment.
 */
import { Redis } from 'ioredis';
import type { CompareAndSetResult, StoredToken, TokenStore, Versioned } from '../auth/types.ts';
import { createSealer, type EncryptionKeyConfig, type Sealer } from './encryption.ts';

const CAS_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, current, redis.call('HGET', KEYS[1], 'd') or false}
end
local next = current + 1
redis.call('HSET', KEYS[1], 'v', next, 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
redis.call('PUBLISH', KEYS[2], ARGV[4] .. ' ' .. next)
return {1, next}
`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key, e.g. 'cg:production'. */
  namespace: string;
  encryptionKeys: readonly EncryptionKeyConfig[];
  /** How long a stored token outlives its expiry (kept for its refresh token). */
  retentionMs?: number;
  /** Poll interval while waiting for another instance's refresh, if no message arrives. */
  pollMs?: number;
  connectTimeoutMs?: number;
}

export interface RefreshLock {
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
  close(): Promise<void>;
}

const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export async function createRedisTokenStore(options: RedisStoreOptions): Promise<RedisTokenStore> {
  const sealer: Sealer = await createSealer(options.encryptionKeys);
  const redisOptions = {
    // Fail fast while disconnected: a queued command would make token requests hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2_000),
    lazyConnect: true,
  };
  const client = new Redis(options.url, redisOptions);
  const subscriber = new Redis(options.url, { ...redisOptions, enableOfflineQueue: true });
  const ns = options.namespace;
  const tokenKey = (key: string) => `${ns}:tok:${key}`;
  const lockKey = (key: string) => `${ns}:lock:${key}`;
  const channel = `${ns}:tok-updated`;
  const pollMs = options.pollMs ?? 250;
  const listeners: ((connected: boolean) => void)[] = [];
  const waiters = new Map<string, Set<() => void>>();
  let connected = false;

  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    for (const listener of listeners) listener(value);
  };
  client.on('ready', () => setConnected(true));
  client.on('close', () => setConnected(false));
  client.on('end', () => setConnected(false));
  // Connection errors surface as `connected: false` and failed commands; never as crashes.
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const key = message.slice(0, message.lastIndexOf(' '));
    for (const wake of waiters.get(key) ?? []) wake();
  });
  subscriber.on('ready', () => void subscriber.subscribe(channel).catch(() => undefined));
  await Promise.allSettled([client.connect(), subscriber.connect()]);

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
      return connected;
    },

    async get(key) {
      const [version, sealed] = await client.hmget(tokenKey(key), 'v', 'd');
      return decode(key, Number(version ?? 0), sealed ?? null);
    },

    async compareAndSet(key, expectedVersion, value): Promise<CompareAndSetResult<StoredToken>> {
      const sealed = await sealer.seal(JSON.stringify(value), tokenKey(key));
      const ttl = Math.max(0, value.expiresAt - Date.now()) + (options.retentionMs ?? DEFAULT_RETENTION_MS);
      const result = (await client.eval(
        CAS_SCRIPT,
        2,
        tokenKey(key),
        channel,
        expectedVersion,
        sealed,
        ttl,
        key,
      )) as [number, number, (string | null)?];
      if (result[0] === 1) return { ok: true, version: result[1] };
      return { ok: false, current: await decode(key, result[1], result[2] ?? null) };
    },

    async delete(key) {
      await client.del(tokenKey(key));
    },

    async clear() {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${ns}:tok:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await client.del(...keys);
      } while (cursor !== '0');
    },

    async tryLock(key, ttlMs) {
      const owner = crypto.randomUUID();
      const taken = await client.set(lockKey(key), owner, 'PX', ttlMs, 'NX');
      if (taken !== 'OK') return undefined;
      return {
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

    async ping() {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },

    onConnectionChange(listener) {
      listeners.push(listener);
    },

    async close() {
      client.disconnect();
      subscriber.disconnect();
    },
  };
  return store;
}
