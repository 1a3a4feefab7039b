/**
 * The Redis token store on each topology: compare-and-set, owner-only locks, wake-up by
 * pub/sub across connections, sealed values under hashed, namespaced key names.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/auth/types.ts';
import { createRedisTokenStore, type RedisTokenStore } from '../../src/store/redis.ts';
import { redisKeys } from '../../src/store/redis-keys.ts';
import { scanAll, startTopology, type Topology, topologies } from '../redis/support/topologies.ts';
import { hasRedis, TEST_KEY, testNamespace } from '../support/redis.ts';

const token = (accessToken: string, refreshToken?: string): StoredToken => ({
  accessToken,
  tokenType: 'Bearer',
  obtainedAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  ...(refreshToken ? { refreshToken } : {}),
});

const stores: RedisTokenStore[] = [];
let topology: Topology;
async function open(namespace: string, keys = [TEST_KEY]) {
  const store = await createRedisTokenStore({
    url: topology.target,
    namespace,
    encryptionKeys: keys,
    pollMs: 50,
  });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) {
    await store.clear().catch(() => undefined);
    await store.close();
  }
});

describe.runIf(hasRedis).each(topologies())('%s: redis token store', (kind) => {
  beforeAll(async () => {
    topology = await startTopology(kind);
  }, 60_000);
  afterAll(() => topology?.dispose());

  it('writes only on the expected version: a late writer never overwrites a newer token', async () => {
    const store = await open(testNamespace('cas'));
    const first = await store.compareAndSet('k', 0, token('at-1', 'rt-1'));
    expect(first).toEqual({ ok: true, version: 1 });
    const newer = await store.compareAndSet('k', 1, token('at-2', 'rt-2'));
    expect(newer).toEqual({ ok: true, version: 2 });
    const late = await store.compareAndSet('k', 1, token('at-late', 'rt-late'));
    expect(late.ok).toBe(false);
    expect(late.ok === false && late.current?.value.refreshToken).toBe('rt-2');
    expect((await store.get('k'))?.value.accessToken).toBe('at-2');
  });

  it('A4: a lock is released only by its owner', async () => {
    const store = await open(testNamespace('lock'));
    const a = await store.tryLock('k', 100);
    expect(a).toBeDefined();
    expect(await store.tryLock('k', 10_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const b = await store.tryLock('k', 10_000);
    expect(b).toBeDefined();
    await a!.release(); // A's lease expired: its release must not free B's lock.
    expect(await store.tryLock('k', 10_000)).toBeUndefined();
    await b!.release();
    expect(await store.tryLock('k', 10_000)).toBeDefined();
  });

  it('wakes a waiting instance as soon as another instance writes', async () => {
    const namespace = testNamespace('wake');
    const writer = await open(namespace);
    const waiter = await open(namespace);
    const waiting = waiter.waitForVersion('k', 0, Date.now() + 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writer.compareAndSet('k', 0, token('fresh'));
    expect((await waiting)?.value.accessToken).toBe('fresh');
  });

  it('never waits past the deadline', async () => {
    const store = await open(testNamespace('deadline'));
    const result = await store.waitForVersion('k', 0, Date.now() + 100);
    expect(result).toBeUndefined();
  });

  it('stores no plaintext token in Redis, under hashed key names in its namespace', async () => {
    const namespace = testNamespace('plain');
    const store = await open(namespace);
    await store.compareAndSet('a1b2c3', 0, token('secret-access-token-value', 'secret-refresh-token-value'));
    const keys = await scanAll(topology.admin, `${namespace}:*`);
    expect(keys).toEqual([redisKeys(namespace).token('a1b2c3').value]);
    const dump = JSON.stringify(await topology.admin.hgetall(keys[0]!));
    expect(dump).not.toContain('secret-access-token-value');
    expect(dump).not.toContain('secret-refresh-token-value');
  });

  it('reads values sealed with an older key after the key rotates', async () => {
    const namespace = testNamespace('rotate');
    const oldKey = { id: 'old', key: TEST_KEY.key };
    const before = await open(namespace, [oldKey]);
    await before.compareAndSet('k', 0, token('sealed-with-old'));
    const newKey = {
      id: 'new',
      key: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
    };
    const after = await open(namespace, [newKey, oldKey]);
    expect((await after.get('k'))?.value.accessToken).toBe('sealed-with-old');
    await after.compareAndSet('k', 1, token('sealed-with-new'));
    expect((await before.get('k').catch((e: Error) => e.message)) as string).toMatch(/unknown key id 'new'/);
  });
});
