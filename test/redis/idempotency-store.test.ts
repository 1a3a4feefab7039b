/**
 * The Redis idempotency store against the real Redis, two "instances" being two stores on
 * their own connections: the first answer (value or problem-ready error) is replayed by the
 * other, a key in flight elsewhere is waited for until a deadline, a dead owner's key is
 * never run again after its lease (a repeat is answered abandoned), and with Redis unreachable a
 * label is refused (or, opted in for one instance, kept on the instance). On each
 * topology; on Sentinel, a claim counts only once the replica holds it, and on every
 * topology an answer lost by the store is written back by the instance that holds it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AllCarriersUnavailableError,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  IdempotencyUnavailableError,
} from '../../src/domain/errors.ts';
import { CarrierError } from '../../src/domain/failure.ts';

import { createSealer } from '../../src/store/encryption.ts';
import { createRedisConnection, type RedisConnection } from '../../src/store/redis-connection.ts';
import {
  createRedisIdempotencyStore,
  type RedisIdempotencyStore,
} from '../../src/store/redis-idempotency.ts';
import { RELEASED } from '../../src/store/redis-idempotency-claim.ts';
import { redisKeys } from '../../src/store/redis-keys.ts';
import { hasRedis, TEST_KEY, testNamespace } from '../support/redis.ts';
import { type StoreTarget, scanAll, startTopology, type Topology, topologies } from './support/topologies.ts';

interface Answer {
  id: string;
}

const connections: RedisConnection[] = [];
let topology: Topology;
afterEach(async () => {
  for (const c of connections.splice(0)) await c.close();
  const keys = await scanAll(topology.admin, 'cgtest:idem*');
  await Promise.all(keys.map((key) => topology.admin.del(key)));
});

async function instance(
  namespace: string,
  options: {
    waitMs?: number;
    pendingTtlMs?: number;
    target?: StoreTarget;
    whenUnreachable?: 'refuse' | 'local';
    maxLocalBytes?: number;
    maxCopyBytes?: number;
  } = {},
): Promise<RedisIdempotencyStore<Answer>> {
  const { target, ...tuning } = options;
  const connection = await createRedisConnection(target ?? topology.target);
  connections.push(connection);
  return createRedisIdempotencyStore<Answer>({
    connection,
    namespace,
    sealer: await createSealer([TEST_KEY]),
    decodeValue: (raw) => raw as Answer,
    pollMs: 50,
    // As the composition does on Sentinel: a claim waits for the replica.
    replicaAcks: topology.kind === 'sentinel' && target === undefined ? 1 : 0,
    ...tuning,
  });
}

/** Waits until the first request's claim is in Redis (a state, not a sleep). */
async function claimed(namespace: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await scanAll(topology.admin, `${namespace}:*`)).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the first request never claimed its key');
}

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe.runIf(hasRedis).each(topologies())('%s: redis idempotency store', (kind) => {
  beforeAll(async () => {
    // Its own sentinel set: one test stops the replica.
    topology = await startTopology(kind, { own: kind === 'sentinel' });
  }, 60_000);
  afterAll(() => topology?.dispose());

  it('replays the first answer on another instance without running the work again', async () => {
    const ns = testNamespace('idem-replay');
    const [a, b] = [await instance(ns), await instance(ns)];
    let runs = 0;
    const work = async () => ({ id: `label-${++runs}` });
    expect(await a.run('key-1', 'fp', work)).toEqual({ id: 'label-1' });
    expect(await b.run('key-1', 'fp', work)).toEqual({ id: 'label-1' });
    expect(runs).toBe(1);
    await expect(b.run('key-1', 'other-body', work)).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('replays a failure as the same problem-ready error (class, members, shrinking Retry-After)', async () => {
    const ns = testNamespace('idem-error');
    const [a, b] = [await instance(ns), await instance(ns)];
    const failure = new CarrierError({
      carrier: 'acme',
      account: 'main',
      failureClass: 'rejected',
      outcome: 'rejected',
      message: 'postal code does not match the city',
      code: 'ADDR_1',
      status: 400,
    });
    await expect(a.run('key-e', 'fp', () => Promise.reject(failure))).rejects.toBe(failure);
    const replayed = await b.run('key-e', 'fp', async () => ({ id: 'never' })).catch((e: unknown) => e);
    expect(replayed).toBeInstanceOf(CarrierError);
    expect(replayed).toMatchObject({
      carrier: 'acme',
      account: 'main',
      failureClass: 'rejected',
      outcome: 'rejected',
      code: 'ADDR_1',
      status: 400,
      message: 'postal code does not match the city',
    });

    const all = new AllCarriersUnavailableError('no carrier could serve', {
      messages: [{ carrier: 'acme', code: 'timeout', class: 'unavailable', text: 'timed out' }],
      retryAfterMs: 60_000,
    });
    await expect(a.run('key-all', 'fp', () => Promise.reject(all))).rejects.toBe(all);
    const again = (await b.run('key-all', 'fp', async () => ({ id: 'never' })).catch((e: unknown) => e)) as
      | AllCarriersUnavailableError
      | undefined;
    expect(again).toBeInstanceOf(AllCarriersUnavailableError);
    expect(again?.messages).toEqual(all.messages);
    expect(again?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('a repeat on another instance while the first is in flight waits for its answer', async () => {
    const ns = testNamespace('idem-wait');
    const [a, b] = [await instance(ns), await instance(ns, { waitMs: 10_000 })];
    const first = deferred<Answer>();
    const running = a.run('key-w', 'fp', () => first.promise);
    await claimed(ns);
    let secondRan = false;
    const repeat = b.run('key-w', 'fp', async () => {
      secondRan = true;
      return { id: 'second' };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.resolve({ id: 'first' });
    expect(await running).toEqual({ id: 'first' });
    expect(await repeat).toEqual({ id: 'first' });
    expect(secondRan).toBe(false);
  });

  it('another body under a key in flight elsewhere is a conflict at once, as on the other stores', async () => {
    const ns = testNamespace('idem-conflict-pending');
    // A long wait: the conflict must not wait for the first request's answer.
    const [a, b] = [await instance(ns), await instance(ns, { waitMs: 60_000 })];
    const first = deferred<Answer>();
    const running = a.run('key-c', 'fp', () => first.promise);
    await claimed(ns);
    let otherRan = false;
    const error = await b
      .run('key-c', 'other-body', async () => {
        otherRan = true;
        return { id: 'other' };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(otherRan).toBe(false);
    first.resolve({ id: 'first' });
    expect(await running).toEqual({ id: 'first' });
  });

  it('a repeat stops waiting at its deadline: in progress (409), and the work is not run twice', async () => {
    const ns = testNamespace('idem-deadline');
    const [a, b] = [await instance(ns), await instance(ns, { waitMs: 150 })];
    const first = deferred<Answer>();
    const running = a.run('key-d', 'fp', () => first.promise);
    await claimed(ns);
    let secondRan = false;
    const error = await b
      .run('key-d', 'fp', async () => {
        secondRan = true;
        return { id: 'second' };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyInProgressError);
    expect(secondRan).toBe(false);
    first.resolve({ id: 'first' });
    await running;
    expect(await b.run('key-d', 'fp', async () => ({ id: 'third' }))).toEqual({ id: 'first' });
  });

  it('a key whose owner died is never run again: once its lease runs out a repeat is answered abandoned', async () => {
    const ns = testNamespace('idem-lease');
    const a = await instance(ns, { pendingTtlMs: 200 });
    const b = await instance(ns, { pendingTtlMs: 200, waitMs: 2_000 });
    void a.run('key-l', 'fp', () => new Promise<Answer>(() => undefined)); // never answers: a dead owner
    await claimed(ns);
    let runs = 0;
    const abandoned = new Error('abandoned: the outcome is unknown');
    const repeat = await b
      .run('key-l', 'fp', async () => ({ id: `run-${++runs}` }), { abandoned: () => abandoned })
      .catch((e: unknown) => e);
    expect(repeat).toBe(abandoned);
    expect(runs).toBe(0);
  });

  it('with Redis unreachable a label is refused (nothing run), unless this instance may keep answers alone', async () => {
    const refusing = await instance(testNamespace('idem-down'), { target: { url: 'redis://127.0.0.1:1' } });
    let runs = 0;
    const work = async () => ({ id: `local-${++runs}` });
    await expect(refusing.run('key-x', 'fp', work)).rejects.toBeInstanceOf(IdempotencyUnavailableError);
    expect(runs).toBe(0);
    // The documented opt-in for one instance: the answer is kept here, and replayed here.
    const alone = await instance(testNamespace('idem-down-local'), {
      target: { url: 'redis://127.0.0.1:1' },
      whenUnreachable: 'local',
    });
    expect(await alone.run('key-x', 'fp', work)).toEqual({ id: 'local-1' });
    expect(await alone.run('key-x', 'fp', work)).toEqual({ id: 'local-1' });
    await expect(alone.run('key-x', 'other', work)).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(runs).toBe(1);
  });

  it('an answer the store lost is written back by the instance that holds it, and replayed elsewhere', async () => {
    const ns = testNamespace('idem-writeback');
    const [a, b] = [await instance(ns), await instance(ns)];
    let runs = 0;
    const work = async () => ({ id: `label-${++runs}` });
    expect(await a.run('key-wb', 'fp', work)).toEqual({ id: 'label-1' });
    // The record vanishes, as an unreplicated write does in a failover.
    const record = redisKeys(ns).idempotency(
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('key-wb')))]
        .map((x) => x.toString(16).padStart(2, '0'))
        .join(''),
    ).record;
    expect(await topology.admin.del(record)).toBe(1);
    expect(await a.writeBack()).toBe(1);
    expect(await b.run('key-wb', 'fp', work)).toEqual({ id: 'label-1' });
    expect(runs).toBe(1);
    // Written back only where nothing (or our own claim) is: never over another answer.
    expect(await a.writeBack()).toBe(0);
  });

  it('keeps its own answers whole up to its byte bound; older ones are still replayed from the store', async () => {
    const ns = testNamespace('idem-bytes');
    const maxLocalBytes = 40_000;
    const [a, b] = [await instance(ns, { maxLocalBytes }), await instance(ns)];
    let runs = 0;
    // ~2 KB answers: the bound holds a handful of them, 30 would not fit.
    const work = async () => ({ id: `label-${++runs}`, document: 'x'.repeat(2_000) });
    for (let i = 0; i < 30; i++) await a.run(`key-${i}`, 'fp', work);
    const held = a.held();
    expect(held.bytes).toBeLessThanOrEqual(maxLocalBytes);
    expect(held.bytes).toBeGreaterThan(0);
    expect(held.answers).toBeGreaterThan(0);
    expect(held.answers).toBeLessThan(30);
    // Nothing lost: the oldest, no longer held whole, is replayed from the store on both instances.
    expect(await a.run('key-0', 'fp', work)).toMatchObject({ id: 'label-1' });
    expect(await b.run('key-0', 'fp', work)).toMatchObject({ id: 'label-1' });
    expect(runs).toBe(30);
  });

  it('keeps compact copies of answers made elsewhere up to their byte bound', async () => {
    const ns = testNamespace('idem-copy-bytes');
    const maxCopyBytes = 20_000;
    const a = await instance(ns);
    const work = async () => ({ id: 'label', document: 'x'.repeat(2_000) });
    for (let i = 0; i < 30; i++) await a.run(`key-${i}`, 'fp', work);
    // An instance started now copies the fleet's 30 answers from the store: as many as fit.
    const b = await instance(ns, { maxCopyBytes });
    expect(await b.loadCopies()).toBeGreaterThanOrEqual(30);
    const held = b.held();
    expect(held.copies).toBeGreaterThan(0);
    expect(held.copies).toBeLessThan(30);
    expect(held.copyBytes).toBeLessThanOrEqual(maxCopyBytes);
  });

  it.runIf(kind === 'sentinel')(
    'a claim the replica never confirms is released: nothing bought, unavailable (retry later)',
    async () => {
      const ns = testNamespace('idem-unreplicated');
      const replica = topology.sentinels!.data[1]!;
      const store = await instance(ns, {});
      let runs = 0;
      await replica.signal('SIGSTOP');
      let error: unknown;
      try {
        error = await store
          .run('key-u', 'fp', async () => ({ id: `label-${++runs}` }))
          .catch((e: unknown) => e);
      } finally {
        await replica.signal('SIGCONT');
      }
      expect(error).toBeInstanceOf(IdempotencyUnavailableError);
      expect(runs).toBe(0);
      // No claim stands: only the release's tombstone.
      const left = await scanAll(topology.admin, `${ns}:*`);
      expect(await Promise.all(left.map((name) => topology.admin.get(name)))).toEqual([RELEASED]);
      // With the replica back, the same key is bought once.
      expect(await store.run('key-u', 'fp', async () => ({ id: `label-${++runs}` }))).toEqual({
        id: 'label-1',
      });
    },
  );
});
