/**
 * In-process token store on lru-cache: bounded and with a TTL, so a long-running gateway
 * never grows without limit. Every method runs synchronously inside one microtask, which
 * makes compare-and-set atomic in a single JS thread.
 *
 * Versions come from one store-wide counter, so a key that is deleted and written again
 * never reuses an old version (no ABA: a late writer holding version N can never match).
 */
import { LRUCache } from 'lru-cache';
import type { CompareAndSetResult, StoredToken, TokenStore, Versioned } from '../auth/types.ts';

export interface MemoryTokenStoreOptions {
  /** Most keys kept (default 10,000). */
  max?: number;
  /**
   * How long an entry lives after its last write, in ms (default 90 days: longer than any
   * carrier's refresh-token lifetime we know of, so a refresh token is not dropped early).
   */
  ttlMs?: number;
}

const DEFAULT_MAX = 10_000;
const DEFAULT_TTL_MS = 90 * 24 * 3600 * 1000;

export interface MemoryTokenStore extends TokenStore {
  /** Number of keys held (for tests and health). */
  size(): number;
  /** The keys held (opaque hashes; for tests and drills). */
  keys(): string[];
}

export function createMemoryTokenStore(options: MemoryTokenStoreOptions = {}): MemoryTokenStore {
  const cache = new LRUCache<string, Versioned<StoredToken>>({
    max: options.max ?? DEFAULT_MAX,
    ttl: options.ttlMs ?? DEFAULT_TTL_MS,
  });
  let lastVersion = 0;

  // Copies in and out so a caller mutating its object cannot change what is stored; a frozen
  // value (the broker freezes every token it writes) cannot change, so it is kept and handed
  // out as is: one copy of each token in the process, the broker's slot pointing at it.
  const copy = (v: Versioned<StoredToken>): Versioned<StoredToken> => ({
    value: Object.isFrozen(v.value) ? v.value : { ...v.value },
    version: v.version,
  });

  return {
    async get(key) {
      const found = cache.get(key);
      return found === undefined ? undefined : copy(found);
    },
    async compareAndSet(key, expectedVersion, value): Promise<CompareAndSetResult<StoredToken>> {
      const current = cache.get(key);
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== expectedVersion) {
        return { ok: false, current: current === undefined ? undefined : copy(current) };
      }
      lastVersion += 1;
      cache.set(key, { value: Object.isFrozen(value) ? value : { ...value }, version: lastVersion });
      return { ok: true, version: lastVersion };
    },
    async delete(key) {
      cache.delete(key);
    },
    async clear() {
      cache.clear();
    },
    size() {
      return cache.size;
    },
    keys() {
      return [...cache.keys()];
    },
  };
}
