/**
 * The control plane's ports: what several gateway instances must agree on besides tokens —
 * revocations, connect states, token-endpoint budgets, carrier accounts, fleet membership,
 * health signals and incidents. Every feature is written once over these two ports; each has
 * a memory implementation (one instance, the default), a Redis one (Node) and a Durable
 * Object one (Workers).
 *
 * Keys group by a leading `{group}`: everything of one account shares the account's group so
 * a store that shards (Redis Cluster) keeps it in one place; fleet-wide keys use `{fleet}`.
 * Values are JSON; readers validate them (zod) at this boundary. Stores that leave the process
 * seal values at rest: a connect verifier or an account's secret is never stored in clear.
 */
import type { CompareAndSetResult, Versioned } from '../auth/types.ts';

export interface ControlStore {
  get(key: string): Promise<Versioned<unknown> | undefined>;
  /** Writes when the stored version is `expectedVersion` (0: absent); `ttlMs` bounds its life. */
  compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    ttlMs?: number,
  ): Promise<CompareAndSetResult<unknown>>;
  /** Reads and deletes in one step: whoever takes it is the only one who ever will. */
  take(key: string): Promise<unknown | undefined>;
  delete(key: string): Promise<void>;
  /** A map of fields under one key (accounts, members): read whole, written per field. */
  mapGet(key: string): Promise<Record<string, unknown>>;
  mapSet(key: string, field: string, value: unknown): Promise<void>;
  mapDelete(key: string, field: string): Promise<void>;
  /** Adds to numeric fields (counters), creating them; the key lives `ttlMs` from now. */
  increment(key: string, deltas: Readonly<Record<string, number>>, ttlMs: number): Promise<void>;
  /** The counters of `key` (missing: empty). */
  counters(key: string): Promise<Record<string, number>>;
}

/** Messages to every instance (this one included), at most once, best effort. */
export interface Broadcast {
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns the unsubscription. */
  subscribe(topic: string, handler: (message: unknown) => void): () => void;
}

export interface ControlPlane {
  store: ControlStore;
  broadcast: Broadcast;
  /** This instance, as the fleet knows it. */
  instanceId: string;
  /** This process alone (the memory plane): there is no fleet to share health with. */
  local?: true | undefined;
}

/** The group a key belongs to: `{group}rest` → group, anything else → the whole key. */
export function keyGroup(key: string): string {
  const match = /^\{([^{}]+)\}/.exec(key);
  return match ? match[1]! : key;
}
