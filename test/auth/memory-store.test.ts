import { describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/auth/types.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';

const token = (accessToken: string, refreshToken?: string): StoredToken => ({
  accessToken,
  tokenType: 'Bearer',
  obtainedAt: 0,
  expiresAt: 1000,
  refreshToken,
});

describe('memory token store', () => {
  it('A5 (5): compare-and-set rejects the older of two out-of-order writes', async () => {
    const store = createMemoryTokenStore();
    const first = await store.compareAndSet('k', 0, token('a1', 'r1'));
    expect(first.ok).toBe(true);
    const v1 = first.ok ? first.version : -1;
    // Two refreshes both read v1; the newer result lands first, the older one must be refused.
    const newer = await store.compareAndSet('k', v1, token('a3', 'r3'));
    const older = await store.compareAndSet('k', v1, token('a2', 'r2'));
    expect(newer.ok).toBe(true);
    expect(older.ok).toBe(false);
    if (!older.ok) expect(older.current?.value.refreshToken).toBe('r3');
    expect((await store.get('k'))?.value.refreshToken).toBe('r3');
  });

  it('versions never repeat across delete, so a stale writer cannot match a recreated key', async () => {
    const store = createMemoryTokenStore();
    const a = await store.compareAndSet('k', 0, token('a'));
    await store.delete('k');
    const b = await store.compareAndSet('k', 0, token('b'));
    expect(a.ok && b.ok && b.version > a.version).toBe(true);
    const stale = await store.compareAndSet('k', a.ok ? a.version : 0, token('stale'));
    expect(stale.ok).toBe(false);
  });

  it('returns copies, is bounded and clears', async () => {
    const store = createMemoryTokenStore({ max: 2 });
    await store.compareAndSet('a', 0, token('1'));
    const got = await store.get('a');
    if (got) got.value.accessToken = 'mutated';
    expect((await store.get('a'))?.value.accessToken).toBe('1');
    await store.compareAndSet('b', 0, token('2'));
    await store.compareAndSet('c', 0, token('3'));
    expect(store.size()).toBe(2);
    await store.clear();
    expect(store.size()).toBe(0);
  });

  it('drops the least recently used key first: a read or a write makes a key recent', async () => {
    const store = createMemoryTokenStore({ max: 3 });
    for (const key of ['a', 'b', 'c']) await store.compareAndSet(key, 0, token(key));
    await store.get('a');
    await store.compareAndSet('d', 0, token('d'));
    expect(store.keys()).toEqual(['d', 'a', 'c']);
    const c = await store.get('c');
    await store.compareAndSet('b', 0, token('b2'));
    expect(store.keys()).toEqual(['b', 'c', 'd']);
    expect((await store.get('c'))?.version).toBe(c?.version);
    await store.delete('d');
    await store.compareAndSet('e', 0, token('e'));
    expect(store.keys()).toEqual(['e', 'c', 'b']);
  });

  it('expires entries after ttlMs', async () => {
    const store = createMemoryTokenStore({ ttlMs: 20 });
    await store.compareAndSet('a', 0, token('1'));
    await new Promise((r) => setTimeout(r, 60));
    expect(await store.get('a')).toBeUndefined();
  });
});
