/**
 * Which primaries this instance is writing to, and every change of them it sees (Node only).
 * A change of primary is when writes that had not reached a replica yet may be gone: the
 * store-loss protocol and the idempotency write-back hook it here.
 *
 * - Single: the one server; a restart is not a change of primary (an emptied store is the
 *   store-loss protocol's business, found by its marker).
 * - Sentinel: the address the command connection reached after each (re)connection.
 * - Cluster: the set of primaries after each slot refresh (a replica promoted, a node
 *   replaced, slots moved to a new node).
 */
import type { Cluster, Redis } from 'ioredis';
import type { RedisClients, RedisTopology } from './redis-clients.ts';

export interface PrimaryChange {
  topology: RedisTopology;
  from: readonly string[];
  to: readonly string[];
  /** Changes seen by this instance so far, this one included. */
  failovers: number;
  at: number;
}

export interface PrimaryTracker {
  /** `host:port` of each current primary (empty until the first connection). */
  primaries(): readonly string[];
  failovers(): number;
  onChange(listener: (change: PrimaryChange) => void): void;
}

const address = (host: string | undefined, port: number | undefined) =>
  `${(host ?? '?').replace(/^::ffff:/, '')}:${port ?? '?'}`;

export function trackPrimaries(clients: RedisClients, now: () => number = Date.now): PrimaryTracker {
  const listeners: ((change: PrimaryChange) => void)[] = [];
  let current: readonly string[] = [];
  let failovers = 0;

  const update = (next: readonly string[]) => {
    if (next.length === 0 || next.join(',') === current.join(',')) return;
    const from = current;
    current = next;
    if (from.length === 0) return; // the first connection, not a change
    failovers += 1;
    const change: PrimaryChange = { topology: clients.topology, from, to: next, failovers, at: now() };
    for (const listener of listeners) listener(change);
  };

  if (clients.topology === 'single') {
    const seed = clients.seeds[0];
    current = seed ? [address(seed.host, seed.port)] : [];
  } else if (clients.topology === 'sentinel') {
    const client = clients.client as Redis;
    client.on('ready', () => update([address(client.stream?.remoteAddress, client.stream?.remotePort)]));
  } else {
    const cluster = clients.client as Cluster;
    const read = () =>
      update(
        cluster
          .nodes('master')
          .map((node) => address(node.options.host, node.options.port))
          .sort(),
      );
    cluster.on('ready', read);
    cluster.on('refresh', read);
  }

  return {
    primaries: () => current,
    failovers: () => failovers,
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
