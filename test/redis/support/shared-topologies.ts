/**
 * One Redis Cluster and one Sentinel set for a whole `vitest run`, shared by the suites that
 * only read and write keys (each under its own namespace): starting a sentinel set costs about
 * 8 s (the sentinels discover each other by hello messages every 2 s), a cluster about 2 s, and
 * a dozen suites run on both. The first suite that asks starts it, the others wait for its
 * address (test/support/shared-for-run.ts); the run's teardown stops them. Suites that stop,
 * kill or count errors on their nodes start their own (`startTopology(kind, { own: true })`).
 */
import { type SharedResource, sharedForRun } from '../../support/shared-for-run.ts';
import { startCluster } from './cluster.ts';
import { MASTER_NAME, startSentinels } from './sentinel.ts';
import type { StoreTarget } from './topologies.ts';

export { sharedDir } from '../../support/shared-for-run.ts';

/** What the suites need of a shared topology, and what the run needs to stop it. */
interface SharedRecord extends SharedResource {
  target: StoreTarget;
  nodes: string[];
}

async function start(kind: 'cluster' | 'sentinel'): Promise<SharedRecord> {
  if (kind === 'cluster') {
    const cluster = await startCluster();
    return {
      target: { url: `redis://${cluster.nodes.join(',')}` },
      nodes: cluster.nodes,
      pids: cluster.processes.flatMap((p) => (p.pid ? [p.pid] : [])),
      dirs: cluster.processes.map((p) => p.dir),
    };
  }
  // Slow to call a primary down: a busy machine must not cause a failover nobody asked for.
  const set = await startSentinels(5_000);
  const processes = [...set.data, ...set.sentinelProcesses];
  return {
    target: { url: `redis://${set.sentinels.join(',')}`, sentinel: { masterName: MASTER_NAME, nodes: [] } },
    nodes: [await set.primary()],
    pids: processes.flatMap((p) => (p.pid ? [p.pid] : [])),
    dirs: processes.map((p) => p.dir),
  };
}

/** The run's shared topology of `kind`: started here if no other suite has, else awaited. */
export function sharedTopology(dir: string, kind: 'cluster' | 'sentinel'): Promise<SharedRecord> {
  return sharedForRun(dir, kind, () => start(kind));
}
