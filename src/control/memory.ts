/**
 * The control plane of one instance: plain maps (with lazy expiry) and an in-process
 * broadcast delivered on a later microtask, as a real one would be. Versions come from one
 * counter, so a key written again after a delete never reuses an old version.
 */
import type { Broadcast, ControlPlane, ControlStore } from './types.ts';

interface Entry {
  value: unknown;
  version: number;
  expiresAt: number;
}

/** Deep copies in and out: a caller mutating its object cannot change what is stored. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export function createMemoryControlStore(now: () => number = Date.now): ControlStore {
  const entries = new Map<string, Entry>();
  const maps = new Map<string, Map<string, unknown>>();
  const counters = new Map<string, { values: Record<string, number>; expiresAt: number }>();
  let lastVersion = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    async get(key) {
      const entry = live(key);
      return entry === undefined ? undefined : { value: copy(entry.value), version: entry.version };
    },
    async compareAndSet(key, expectedVersion, value, ttlMs) {
      const current = live(key);
      if ((current?.version ?? 0) !== expectedVersion) {
        return { ok: false, current: current && { value: copy(current.value), version: current.version } };
      }
      lastVersion += 1;
      entries.set(key, {
        value: copy(value),
        version: lastVersion,
        expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs,
      });
      return { ok: true, version: lastVersion };
    },
    async take(key) {
      const entry = live(key);
      entries.delete(key);
      return entry === undefined ? undefined : entry.value;
    },
    async delete(key) {
      entries.delete(key);
    },
    async mapGet(key) {
      return Object.fromEntries(
        [...(maps.get(key) ?? new Map<string, unknown>())].map(([f, v]) => [f, copy(v)]),
      );
    },
    async mapSet(key, field, value) {
      const map = maps.get(key) ?? new Map<string, unknown>();
      maps.set(key, map);
      map.set(field, copy(value));
    },
    async mapDelete(key, field) {
      maps.get(key)?.delete(field);
    },
    async increment(key, deltas, ttlMs) {
      const at = now();
      const current = counters.get(key);
      const values = current && current.expiresAt > at ? current.values : {};
      for (const [field, delta] of Object.entries(deltas)) values[field] = (values[field] ?? 0) + delta;
      counters.set(key, { values, expiresAt: at + ttlMs });
    },
    async counters(key) {
      const current = counters.get(key);
      return current && current.expiresAt > now() ? { ...current.values } : {};
    },
  };
}

export function createMemoryBroadcast(): Broadcast {
  const handlers = new Map<string, Set<(message: unknown) => void>>();
  return {
    async publish(topic, message) {
      const copyOf = copy(message);
      queueMicrotask(() => {
        for (const handler of handlers.get(topic) ?? []) {
          try {
            handler(copy(copyOf));
          } catch {
            // One subscriber failing must not keep the others from hearing it.
          }
        }
      });
    },
    subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(handler);
      return () => set.delete(handler);
    },
  };
}

export function createMemoryControlPlane(now?: () => number): ControlPlane {
  return {
    store: createMemoryControlStore(now),
    broadcast: createMemoryBroadcast(),
    instanceId: crypto.randomUUID(),
    local: true,
  };
}
