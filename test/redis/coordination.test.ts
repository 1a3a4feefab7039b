/**
 * The broker's cross-instance coordination in one process: two brokers ("instances"), each
 * on its own Redis connection, in front of the generic OAuth server.
 * - One refresh for both instances, whatever the concurrency (on each topology); chaos A6:
 *   the instance that takes the lock second re-reads the store and adopts, never refreshes.
 * - Chaos A7, Redis away (a private Redis server, stopped and started again): tokens held in memory
 *   keep being served; client-credential tokens fall back to per-instance single-flight; an
 *   expired rotating token is a prompt `unavailable` (store_unreachable), never a hang; and
 *   once Redis is back, shared mode resumes by itself (one refresh again, memory flushed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { cacheKey, keyPartsOf } from '../../src/auth/cache-key.ts';
import { resolveMethod, scopeOf } from '../../src/auth/method.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { createRedisTokenStore, type RedisTokenStore } from '../../src/store/redis.ts';
import { genericProfile } from '../auth/support/generic-profile.ts';
import { accountOf, CARRIER, startGenericSandbox } from '../auth/support/harness.ts';
import { hasRedis, TEST_KEY, testNamespace } from '../support/redis.ts';
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.ts';
import { type StoreTarget, startTopology, type Topology, topologies } from './support/topologies.ts';

let sandbox: Sandbox;
const stores: RedisTokenStore[] = [];

beforeAll(async () => {
  sandbox = await startGenericSandbox();
});
afterAll(() => sandbox?.close());
afterEach(async () => {
  for (const store of stores.splice(0)) {
    await store.clear().catch(() => undefined);
    await store.close();
  }
  await sandbox.control.reset(CARRIER);
});

/** One gateway instance's broker: its own Redis connection, a shared clock offset. */
async function instance(url: StoreTarget, namespace: string, clock: { offset: number }) {
  const store = await createRedisTokenStore({ url, namespace, encryptionKeys: [TEST_KEY], pollMs: 50 });
  stores.push(store);
  const broker = createCredentialBroker({
    store,
    coordinator: store,
    lockTtlMs: 2_000,
    tokenCallTimeoutMs: 2_000,
    profileOf: () => genericProfile(),
    now: () => Date.now() + clock.offset,
  });
  return { store, broker };
}

const tokenCalls = async (grant?: string) => {
  const stats = await sandbox.control.stats(CARRIER);
  return grant === undefined
    ? (stats.tokenCalls.default ?? 0)
    : (stats.tokenCallsByGrant.default?.[grant] ?? 0);
};

/** An authorization-code account with a fresh single-use refresh token. */
function rotatingAccount(): ResolvedAccount {
  const sim = sandbox.context(CARRIER);
  const simAccount = sandbox.accounts(CARRIER).find((a) => a.id === 'default')!;
  const issued = sim.tokens.issue(simAccount, { withRefresh: true });
  return accountOf(sandbox, {
    id: 'rotating',
    authMethod: 'authorization_code',
    secrets: { ...simAccount.secrets, refreshToken: issued.refreshToken! },
  });
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(check()).toBe(true);
}

describe.runIf(hasRedis).each(topologies())('%s: two instances, one refresh', (kind) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology(kind);
  }, 60_000);
  afterAll(() => topology?.dispose());

  it('40 concurrent callers on two instances share one token call', async () => {
    const ns = testNamespace('coord');
    const clock = { offset: 0 };
    const [a, b] = [await instance(topology.target, ns, clock), await instance(topology.target, ns, clock)];
    const account = accountOf(sandbox);
    const credentials = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).broker.credential(account, 'primary')),
    );
    expect(new Set(credentials.map((c) => c.fingerprint)).size).toBe(1);
    expect(await tokenCalls()).toBe(1);
  });

  it('A6: a rotating token refreshed by one instance is adopted by the other, which re-reads the store once it holds the lock and skips its own refresh (one refresh, no reuse)', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const ns = testNamespace('coord-rot');
    const clock = { offset: 0 };
    const [a, b] = [await instance(topology.target, ns, clock), await instance(topology.target, ns, clock)];
    const account = rotatingAccount();
    const first = await a.broker.credential(account, 'primary');
    await b.broker.credential(account, 'primary');
    clock.offset += 2 * 3600_000; // both instances' tokens expired
    const [x, y] = await Promise.all([
      a.broker.credential(account, 'primary'),
      b.broker.credential(account, 'primary'),
    ]);
    expect(x.fingerprint).toBe(y.fingerprint);
    expect(x.fingerprint).not.toBe(first.fingerprint);
    expect(await tokenCalls('refresh_token')).toBe(2);
    expect((await sandbox.control.stats(CARRIER)).refreshTokenReuse.default ?? 0).toBe(0);
  });
});

describe.runIf(hasRedis)('Redis away and back', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.dispose());

  it('A7: Redis away: serves held tokens, falls back per instance, fails fast on an expired rotating token, then resumes shared mode', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const ns = testNamespace('coord-outage');
    const clock = { offset: 0 };
    const [a, b] = [
      await instance({ url: redis.url }, ns, clock),
      await instance({ url: redis.url }, ns, clock),
    ];
    const client = accountOf(sandbox, { id: 'client' });
    const rotating = rotatingAccount();
    const held = await a.broker.credential(rotating, 'primary');
    await b.broker.credential(rotating, 'primary');
    await a.broker.credential(client, 'primary');
    await b.broker.credential(client, 'primary');
    const callsBefore = await tokenCalls();

    await redis.stop();
    await until(() => !a.store.connected && !b.store.connected);
    // Still-valid tokens keep being served from memory, without any token call.
    expect((await a.broker.credential(rotating, 'primary')).fingerprint).toBe(held.fingerprint);
    expect((await b.broker.credential(rotating, 'primary')).fingerprint).toBe(held.fingerprint);
    expect(await tokenCalls()).toBe(callsBefore);

    clock.offset += 2 * 3600_000; // every token expired while Redis is away
    // Client credentials: each instance refreshes on its own, once for all its callers.
    const local = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).broker.credential(client, 'primary')),
    );
    expect(new Set(local.map((c) => c.fingerprint)).size).toBe(2);
    expect((await tokenCalls()) - callsBefore).toBe(2);
    // A rotating token is never refreshed without the lock: a prompt, classified refusal.
    const refused = await Promise.race([
      a.broker.credential(rotating, 'primary').catch((e: unknown) => e),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000)),
    ]);
    expect(refused).toBeInstanceOf(CarrierError);
    expect(refused).toMatchObject({
      failureClass: 'unavailable',
      code: 'store_unreachable',
      outcome: 'not_sent',
    });
    expect((await tokenCalls()) - callsBefore).toBe(2);

    await redis.start();
    await until(() => a.store.connected && b.store.connected);
    // Shared mode again: one refresh for both instances, with the refresh token Redis kept.
    const [x, y] = await Promise.all([
      a.broker.credential(rotating, 'primary'),
      b.broker.credential(rotating, 'primary'),
    ]);
    expect(x.fingerprint).toBe(y.fingerprint);
    expect(await tokenCalls('refresh_token')).toBe(2);
    expect((await sandbox.control.stats(CARRIER)).refreshTokenReuse.default ?? 0).toBe(0);
    // The client-credential tokens obtained during the outage were written back.
    const resolved = resolveMethod(genericProfile(), client);
    if (resolved.type !== 'token') throw new Error('a token account was expected');
    const key = await cacheKey(keyPartsOf(client, 'primary', scopeOf(resolved.method, client)));
    let flushed: unknown;
    for (let i = 0; i < 100 && flushed === undefined; i++) {
      flushed = await a.store.get(key);
      if (flushed === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(flushed).toBeDefined();
  }, 60_000);
});
