/**
 * Fault-injecting wrappers around the real memory store: they stand for another gateway
 * instance writing at an awkward moment, or for a store that is down. The store underneath
 * is the real one; nothing of the broker is replaced.
 */
import type { StoredToken, TokenStore } from '../../../src/auth/types.ts';
import type { MemoryTokenStore } from '../../../src/store/memory.ts';

/** Fails the next `n` compare-and-set calls (a store outage during a write). */
export function failingWrites(
  inner: MemoryTokenStore,
): MemoryTokenStore & { failNext(n: number): void; failures: number } {
  let remaining = 0;
  const wrapper = {
    ...inner,
    failures: 0,
    failNext(n: number) {
      remaining = n;
    },
    async compareAndSet(key: string, expected: number, value: StoredToken) {
      if (remaining > 0) {
        remaining -= 1;
        wrapper.failures += 1;
        throw new Error('store unavailable');
      }
      return inner.compareAndSet(key, expected, value);
    },
  };
  return wrapper;
}

/**
 * Runs `afterRead` once, right after the next `get` has read its value and before it returns
 * it: another instance writing between our read and our write.
 */
export function interleaving(
  inner: MemoryTokenStore,
): MemoryTokenStore & { afterNextRead(fn: () => Promise<void>): void } {
  let pending: (() => Promise<void>) | undefined;
  return {
    ...inner,
    afterNextRead(fn) {
      pending = fn;
    },
    async get(key: string) {
      const value = await inner.get(key);
      const fn = pending;
      pending = undefined;
      if (fn !== undefined) await fn();
      return value;
    },
  };
}

export type { TokenStore };

/** Holds every compare-and-set until `release()` (a slow commit), to see who is answered when. */
export function gatedWrites(
  inner: MemoryTokenStore,
): MemoryTokenStore & { release(): void; waiting(): number } {
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let waiting = 0;
  return {
    ...inner,
    release() {
      open();
      gate = Promise.resolve();
    },
    waiting: () => waiting,
    async compareAndSet(key: string, expected: number, value: StoredToken) {
      waiting += 1;
      await gate;
      waiting -= 1;
      return inner.compareAndSet(key, expected, value);
    },
  };
}
