/**
 * What an operator sees of the Redis topology (Node only): one line for `/readyz`, and two
 * gauges (the primaries written to, the changes of primary seen), labelled by topology.
 */

import { instruments, observeGauge } from '../telemetry/instruments.ts';
import { ATTR } from '../telemetry/names.ts';
import type { RedisConnection } from './redis-connection.ts';

/** `redis cluster: primaries a:1, b:2; failovers seen: 0` (no credentials: addresses only). */
export function describeTopology(connection: RedisConnection, masterName?: string): string {
  const primaries = connection.primaries();
  const named = masterName ? ` (master ${masterName})` : '';
  const where =
    primaries.length === 0
      ? 'primary not reached yet'
      : `${primaries.length > 1 ? 'primaries' : 'primary'} ${primaries.join(', ')}`;
  return `redis ${connection.topology}${named}: ${where}; failovers seen: ${connection.failovers()}`;
}

function split(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * Registers the gauges; returns their removal. A primary is 1 while written to and 0 once a
 * failover replaced it (a metrics SDK keeps exporting every address it has seen).
 */
export function observeTopology(connection: RedisConnection): () => void {
  const topology = { [ATTR.storeTopology]: connection.topology };
  const seen = new Set<string>();
  const stopPrimaries = observeGauge(instruments.storePrimary(), () => {
    const current = connection.primaries();
    for (const address of current) seen.add(address);
    return [...seen].map((address) => {
      const { host, port } = split(address);
      return {
        value: current.includes(address) ? 1 : 0,
        attributes: { ...topology, [ATTR.serverAddress]: host, [ATTR.serverPort]: port },
      };
    });
  });
  const stopFailovers = observeGauge(instruments.storeFailovers(), () => [
    { value: connection.failovers(), attributes: topology },
  ]);
  return () => {
    stopPrimaries();
    stopFailovers();
  };
}
