import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError } from '../../src/domain/errors.ts';
import { createMemoryIdempotencyStore, fingerprintOf } from '../../src/resilience/idempotency.ts';

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
