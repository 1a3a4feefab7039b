/**
 * The ControlStore contract, on the memory store and on the control objects (Durable Objects
 * in workerd, reached from here through Miniflare's binding): versions never reused,
 * compare-and-set exclusive under concurrency, takes single-use, maps and counters isolated
 * per key, lifetimes ending in absence. Then the Workers broadcast: a publisher hears itself at
 * once, another isolate hears each message exactly once when it polls, and a new isolate
 * does not replay history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import type { ControlStore } from '../../src/control/types.ts';
import { createWorkerControlPlane } from '../../src/runtime/worker/control/client.ts';
import type { DurableObjectNamespace } from '../../src/runtime/worker/durable-object.ts';
import { buildTestBundle, startWorker, type WorkerHarness } from './support/worker-harness.ts';

let worker: WorkerHarness;
let namespace: DurableObjectNamespace;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  worker = await startWorker({ bundle: built.bundle, config: { carriers: {} }, secrets: {} });
  namespace = (await worker.mf.getDurableObjectNamespace(
    'CONTROL_PLANE',
  )) as unknown as DurableObjectNamespace;
});

afterAll(async () => {
  await worker?.dispose();
  await cleanup?.();
});

/** Waits for a state (bounded), never a fixed time. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never: ${what}`);
}

const stores: [string, () => ControlStore][] = [
  ['memory', () => createMemoryControlStore()],
  ['control objects (workerd)', () => createWorkerControlPlane({ namespace }).store],
];

describe.each(stores)('the ControlStore contract: %s', (_name, make) => {
  const group = () => `{acct-${crypto.randomUUID()}}`;

  it('compare-and-set: versions grow, a stale version is refused with the current entry', async () => {
    const store = make();
    const key = `${group()}state`;
    expect(await store.get(key)).toBeUndefined();
    const first = await store.compareAndSet(key, 0, { n: 1 });
    expect(first.ok).toBe(true);
    const v1 = first.ok ? first.version : 0;
    expect(await store.compareAndSet(key, 0, { n: 9 })).toEqual({
      ok: false,
      current: { value: { n: 1 }, version: v1 },
    });
    const second = await store.compareAndSet(key, v1, { n: 2 });
    expect(second.ok && second.version > v1).toBe(true);
    const v2 = second.ok ? second.version : 0;
    expect(await store.get(key)).toEqual({ value: { n: 2 }, version: v2 });
    // Deleted then written again: a new version, never an old one.
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    const third = await store.compareAndSet(key, 0, { n: 3 });
    expect(third.ok && third.version > v2).toBe(true);
  });

  it('compare-and-set is exclusive: of 20 concurrent writers at one version, one wins', async () => {
    const store = make();
    const key = `${group()}race`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.compareAndSet(key, 0, { writer: i })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('take: the value once, then nothing; concurrent takers, one gets it', async () => {
    const store = make();
    const key = `${group()}connect:state`;
    await store.compareAndSet(key, 0, { verifier: 'v' }, 60_000);
    const taken = await Promise.all(Array.from({ length: 10 }, () => store.take(key)));
    expect(taken.filter((t) => t !== undefined)).toEqual([{ verifier: 'v' }]);
    expect(await store.take(key)).toBeUndefined();
  });

  it('maps: per field, whole on read, no key sees another key’s fields', async () => {
    const store = make();
    const g = group();
    await store.mapSet(`${g}m`, 'a', { x: 1 });
    await store.mapSet(`${g}m`, 'b', 'two');
    await store.mapSet(`${g}m:a`, 'c', 3);
    expect(await store.mapGet(`${g}m`)).toEqual({ a: { x: 1 }, b: 'two' });
    await store.mapDelete(`${g}m`, 'a');
    expect(await store.mapGet(`${g}m`)).toEqual({ b: 'two' });
    expect(await store.mapGet(`${g}m:a`)).toEqual({ c: 3 });
    expect(await store.mapGet(`${g}none`)).toEqual({});
  });

  it('counters add up, and are gone once their lifetime ends', async () => {
    const store = make();
    const key = `${group()}quota`;
    await store.increment(key, { calls: 1, failures: 1 }, 60_000);
    await store.increment(key, { calls: 2 }, 60_000);
    expect(await store.counters(key)).toEqual({ calls: 3, failures: 1 });
    const short = `${group()}short`;
    await store.increment(short, { calls: 1 }, 40);
    await until(async () => Object.keys(await store.counters(short)).length === 0, 'counters expired');
  });

  it('an entry with a lifetime reads as absent once it ends, and can be created again', async () => {
    const store = make();
    const key = `${group()}tombstone`;
    expect((await store.compareAndSet(key, 0, 'dead', 40)).ok).toBe(true);
    await until(async () => (await store.get(key)) === undefined, 'entry expired');
    expect(await store.take(key)).toBeUndefined();
    expect((await store.compareAndSet(key, 0, 'again')).ok).toBe(true);
  });
});

describe('broadcast between isolates on Workers', () => {
  it('the publisher hears at once; another isolate hears each message once, when it polls', async () => {
    const a = createWorkerControlPlane({ namespace });
    // An hour between polls: the throttle below holds however slow the machine is.
    const b = createWorkerControlPlane({ namespace, pollEveryMs: 3_600_000 });
    const topic = `t-${crypto.randomUUID()}`;
    const heardA: unknown[] = [];
    const heardB: unknown[] = [];
    a.broadcast.subscribe(topic, (m) => heardA.push(m));
    b.broadcast.subscribe(topic, (m) => heardB.push(m));

    // A new isolate starts from the log's current position: history is not replayed.
    await a.broadcast.publish(topic, { n: 0 });
    await b.sync({ force: true });
    expect(heardB).toEqual([]);

    await a.broadcast.publish(topic, { n: 1 });
    await a.broadcast.publish(topic, { n: 2 });
    await b.broadcast.publish(topic, { n: 3 });
    expect(heardA).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    await b.sync({ force: true });
    expect(heardB).toEqual([{ n: 3 }, { n: 1 }, { n: 2 }]);
    await a.sync({ force: true }); // first poll of a: position only
    await b.sync({ force: true });
    expect(heardB).toHaveLength(3);
    // Throttled: within the poll interval, an unforced sync asks nothing.
    await a.broadcast.publish(topic, { n: 4 });
    await b.sync();
    expect(heardB).toHaveLength(3);
    await b.sync({ force: true });
    expect(heardB).toEqual([{ n: 3 }, { n: 1 }, { n: 2 }, { n: 4 }]);
    expect(heardA).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 4 }]);
  });
});
