import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError } from '../../src/domain/errors.ts';
import {
  approximateBytes,
  createMemoryIdempotencyStore,
  fingerprintOf,
} from '../../src/resilience/idempotency.ts';

describe('idempotency store', () => {
  it('runs the work once for concurrent requests with one key and gives all the same answer', async () => {
    const store = createMemoryIdempotencyStore<{ n: number }>();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { n: runs };
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => store.run('k', 'f', work)));
    expect(runs).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('replays a failure as a failure', async () => {
    const store = createMemoryIdempotencyStore<string>();
    const boom = new Error('carrier said no');
    await expect(store.run('k', 'f', () => Promise.reject(boom))).rejects.toBe(boom);
    await expect(store.run('k', 'f', async () => 'second try')).rejects.toBe(boom);
  });

  it('refuses the same key with a different body', async () => {
    const store = createMemoryIdempotencyStore<string>();
    await store.run('k', 'f1', async () => 'a');
    await expect(store.run('k', 'f2', async () => 'b')).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('fingerprints ignore key order but not values', async () => {
    expect(await fingerprintOf({ a: 1, b: { c: 2, d: 3 } })).toBe(
      await fingerprintOf({ b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(await fingerprintOf({ a: 1 })).not.toBe(await fingerprintOf({ a: 2 }));
  });
});

describe('idempotency store bounded in bytes', () => {
  it('keeps the newest answers within maxBytes, oldest out first; a repeat of a kept key replays', async () => {
    const store = createMemoryIdempotencyStore<{ document: string }>({ maxBytes: 50_000 });
    let runs = 0;
    const label = async () => {
      runs++;
      return { document: 'x'.repeat(10_000) };
    };
    for (let i = 0; i < 10; i++) await store.run(`k${i}`, 'f', label);
    expect(runs).toBe(10);
    // ~10 KB each in 50 KB: the newest four are kept and replayed, the first ones are gone.
    await store.run('k9', 'f', label);
    await store.run('k6', 'f', label);
    expect(runs).toBe(10);
    await store.run('k0', 'f', label);
    expect(runs).toBe(11);
  });

  it('an answer pushed out by the byte bound is kept compact: a repeat gets what was bought, never runs again', async () => {
    const store = createMemoryIdempotencyStore<{ tracking: string; document?: string }>({
      maxBytes: 50_000,
      compact: ({ tracking }) => ({ tracking }),
    });
    let runs = 0;
    const label = (i: number) => async () => {
      runs++;
      return { tracking: `T${i}`, document: 'x'.repeat(10_000) };
    };
    for (let i = 0; i < 10; i++) await store.run(`k${i}`, 'f', label(i));
    expect(runs).toBe(10);
    // k0 left the full answers long ago: its compact form answers, without the document.
    expect(await store.run('k0', 'f', label(99))).toEqual({ tracking: 'T0' });
    expect(runs).toBe(10);
    // A different body under a used key is still a conflict.
    await expect(store.run('k0', 'other', label(99))).rejects.toThrow(/Idempotency-Key/i);
  });

  it('allocates nothing up front for the answers it may keep: 20 stores cost far less than one used to', () => {
    const before = process.memoryUsage().heapUsed;
    const stores = Array.from({ length: 20 }, () =>
      createMemoryIdempotencyStore<{ tracking: string }>({ compact: (v) => v }),
    );
    // A count bound of 1,000,000 made lru-cache allocate ~38 MB of arrays per store at creation.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 2 ** 20);
    expect(stores).toHaveLength(20);
  });

  it('estimates what an answer holds', () => {
    expect(approximateBytes('x'.repeat(1_000))).toBeGreaterThanOrEqual(1_000);
    expect(approximateBytes({ a: { b: ['y'.repeat(500), 'z'.repeat(500)] } })).toBeGreaterThanOrEqual(1_000);
    expect(approximateBytes(new Uint8Array(2_000))).toBeGreaterThanOrEqual(2_000);
  });
});
