/**
 * Soak invariant `every-request-answered`, broken in the ninth 10-minute soak (seed 479550324,
 * `npm run soak -- --minutes 10 --seed 479550324 --rate 200 --exclude none`): two label keys
 * first sent while Redis was frozen (at 291 s and 292 s, answered `503 idempotency-unavailable`:
 * nothing bought) later answered `idempotency-conflict` to a new body, as if the key were taken.
 *
 * The claim sent to the frozen Redis ran when it resumed, and was announced; every instance kept
 * a copy of it. Its owner then released it (nothing was bought), but one instance's subscriber
 * was reconnecting after Redis restarted and missed the release. Its write-back after the
 * reconnection restored the claim from that copy: a claim nobody owned, so the key stayed "in
 * progress, then abandoned" for its lifetime although it was never used.
 *
 * The fix: a release leaves a tombstone in the claim's place for the claim's lifetime; a copy
 * of a claim is never restored over it, and a copy of the store taken after a reconnection drops
 * such a claim's copy. The owner writes its tombstones back after a reconnection (the store may
 * have lost them), over a copy restored meanwhile. A new claim, an answer and an owner's
 * write-back of its own running claim go over a tombstone.
 *
 * Two instances (idempotency stores) reach the real Redis through TCP proxies: B's proxy holds
 * its commands so the claim lands after B gave up on it, A's proxy cuts A off while the release
 * is announced.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IdempotencyUnavailableError } from '../../../src/domain/errors.ts';
import { createSealer } from '../../../src/store/encryption.ts';
import { createRedisConnection, type RedisConnection } from '../../../src/store/redis-connection.ts';
import {
  createRedisIdempotencyStore,
  type RedisIdempotencyStore,
} from '../../../src/store/redis-idempotency.ts';
import { RELEASED } from '../../../src/store/redis-idempotency-claim.ts';
import { hasRedis, REDIS_URL, TEST_KEY, testNamespace } from '../../support/redis.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

interface Label {
  trackingNumber: string;
}

const connections: RedisConnection[] = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) await c.close();
  for (const p of proxies.splice(0)) await p.close();
});

const target = new URL(REDIS_URL);
/** The store as seen directly, past the proxies. */
const admin = new Redis(REDIS_URL, { lazyConnect: true });
afterAll(() => admin.quit());

async function instance(namespace: string): Promise<{
  store: RedisIdempotencyStore<Label>;
  connection: RedisConnection;
  proxy: TcpProxy;
}> {
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  proxies.push(proxy);
  // A claim unanswered after 500 ms counts as failed (the gateway's default is longer).
  const connection = await createRedisConnection({
    url: `redis://127.0.0.1:${proxy.port}`,
    commandTimeoutMs: 500,
  });
  connections.push(connection);
  const store = createRedisIdempotencyStore<Label>({
    connection,
    namespace,
    sealer: await createSealer([TEST_KEY]),
    decodeValue: (raw) => raw as Label,
    pollMs: 20,
  });
  await store.loadCopies();
  return { store, connection, proxy };
}

/** Waits until `check` holds (a state, not a sleep). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

/**
 * B's claim of `key` lands after B gave up on it (503, nothing bought); A copies it from the
 * store; then B's release runs while A is cut off. Resolves to the record's name.
 */
async function releaseMissedByA(
  ns: string,
  a: Awaited<ReturnType<typeof instance>>,
  b: Awaited<ReturnType<typeof instance>>,
  key: string,
): Promise<string> {
  b.proxy.hold();
  await expect(b.store.run(key, 'body', async () => ({ trackingNumber: 'never' }))).rejects.toBeInstanceOf(
    IdempotencyUnavailableError,
  );
  // The claim reaches Redis late, as a frozen Redis runs it when it resumes.
  expect(b.proxy.forwardOneCommand()).toBeGreaterThan(0);
  let name = '';
  await until(async () => {
    name = (await admin.keys(`${ns}:*`))[0] ?? '';
    return name !== '';
  }, 'the late claim is stored');
  const claim = await admin.get(name);
  expect(claim).not.toBeNull();
  // A copies the fleet's records (as after its own reconnection): it now holds the claim.
  expect(await a.store.loadCopies()).toBe(1);
  a.proxy.cut();
  await until(() => !a.connection.connected, 'A is cut off');
  b.proxy.forwardAll();
  await until(async () => (await admin.get(name)) !== claim, 'the release ran');
  return name;
}

describe.runIf(hasRedis)('every request answered when an instance missed a claim’s release', () => {
  it('the released key is free: a new body is bought, not refused as a conflict', async () => {
    const ns = testNamespace('regress-missed-release');
    const [a, b] = [await instance(ns), await instance(ns)];
    const name = await releaseMissedByA(ns, a, b, 'key-1');
    expect(await admin.get(name)).toBe(RELEASED);
    a.proxy.restore();
    await until(() => a.connection.connected, 'A is back');
    // A writes back what it holds after its reconnection: not the released claim.
    await a.store.writeBack();
    let bought = 0;
    const buy = async () => ({ trackingNumber: `label-${++bought}` });
    expect(await a.store.run('key-1', 'other body', buy)).toEqual({ trackingNumber: 'label-1' });
    expect(bought).toBe(1);
  });

  it('the store losing the tombstone too: the releasing instance writes it back over the restored claim', async () => {
    const ns = testNamespace('regress-missed-release-lost');
    const [a, b] = [await instance(ns), await instance(ns)];
    const name = await releaseMissedByA(ns, a, b, 'key-2');
    // Redis restarts empty (the tombstone is gone) before A is back.
    await admin.del(name);
    a.proxy.restore();
    await until(() => a.connection.connected, 'A is back');
    await a.store.writeBack(); // restores its copy of the claim where nothing is
    await b.store.writeBack(); // B writes its release back over it
    expect(await admin.get(name)).toBe(RELEASED);
    let bought = 0;
    const buy = async () => ({ trackingNumber: `label-${++bought}` });
    expect(await a.store.run('key-2', 'body', buy)).toEqual({ trackingNumber: 'label-1' });
    expect(bought).toBe(1);
  });
});
