/**
 * The Redis topologies the multi-instance suites run against:
 * - single: the machine's Redis (REDIS_URL, shared: unique namespaces, never flushed);
 * - cluster: three primaries (cluster.ts);
 * - sentinel: a primary, a replica and three sentinels (sentinel.ts);
 * a cluster and a sentinel set are shared by the suites of one run (shared-topologies.ts),
 * unless a suite asks for its own.
 *
 * Which suite runs where (the whole `npm test` must stay under 10 minutes on an idle 2-core
 * machine, and a topology costs a few seconds to start):
 * - every topology: the token store, idempotency store and coordination units, label
 *   idempotency and breaker sync: they exercise what differs between topologies (slots and
 *   hash tags, pub/sub across nodes, WAIT on a replica) and are quick;
 * - stampede: single and sentinel; on a cluster, cluster-acceptance.test.ts asserts the same
 *   (one token call per account, every request served) at a larger scale;
 * - rotation: single and cluster (4 x 500 refreshes, the heaviest suite): its scripts and
 *   locks behave in a Sentinel-managed primary exactly as in a single server, and
 *   sentinel-failover.test.ts runs rotating tokens through a real failover;
 * - outage: single only (a stopped private Redis): a cluster or a sentinel set-up wholly away
 *   is the same "store unreachable" path, and the failover test covers sentinel's own outage.
 * `TOPOLOGIES` narrows the list for a local run (e.g. TOPOLOGIES=cluster).
 */
import { readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { REDIS_URL } from '../../support/redis.ts';
import { startCluster, type TestCluster } from './cluster.ts';
import { MASTER_NAME, startSentinels, type TestSentinels } from './sentinel.ts';
import { sharedDir, sharedTopology } from './shared-topologies.ts';

export type TopologyKind = 'single' | 'cluster' | 'sentinel';

const ALL: readonly TopologyKind[] = ['single', 'cluster', 'sentinel'];

/** The topologies a suite runs against, as narrowed by the TOPOLOGIES variable. */
export function topologies(...kinds: TopologyKind[]): TopologyKind[] {
  const wanted = (process.env.TOPOLOGIES ?? '').split(',').filter((k) => k !== '');
  const chosen = kinds.length === 0 ? [...ALL] : kinds;
  return wanted.length === 0 ? chosen : chosen.filter((k) => wanted.includes(k));
}

/** The store configuration of a topology (the `store` block without namespace and keys). */
export interface StoreTarget {
  url: string;
  cluster?: { nodes: string[] };
  sentinel?: { masterName: string; nodes: string[] };
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string };
}

export type AdminClient = Redis | Cluster;

export interface Topology {
  kind: TopologyKind;
  target: StoreTarget;
  /** An admin connection (default user): commands go to the node holding the key. */
  admin: AdminClient;
  /** `host:port` of the primaries at the start (a cluster's three, a sentinel set's one). */
  nodes: string[];
  /** The suite's own processes (`own: true`): to stop, kill or signal them. */
  cluster?: TestCluster;
  sentinels?: TestSentinels;
  dispose(): Promise<void>;
}

/** Every key matching `pattern`, on every primary. */
export async function scanAll(client: AdminClient, pattern: string): Promise<string[]> {
  // A cluster client knows its nodes once it has read the slot map.
  if (client instanceof Cluster && client.status !== 'ready') await client.ping();
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
  }
  return found;
}

const pem = (value: string) => (value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8'));

/** An admin client for a target (with its TLS settings, PEM text or file paths). */
export function adminFor(target: StoreTarget): AdminClient {
  const hosts = target.url
    .replace(/^rediss?:\/\//, '')
    .split('/')[0]!
    .split(',');
  const address = (h: string) => ({ host: h.split(':')[0]!, port: Number(h.split(':')[1]) });
  // Bounded retries: a test inspecting a Redis it stopped must fail, not hang.
  const tls = target.tls
    ? Object.fromEntries(
        Object.entries(target.tls).map(([k, v]) => [
          k === 'serverName' ? 'servername' : k,
          k === 'serverName' ? v : pem(v),
        ]),
      )
    : undefined;
  const options = {
    maxRetriesPerRequest: 2,
    connectTimeout: 2_000,
    enableReadyCheck: false,
    ...(tls ? { tls } : {}),
  };
  const client = target.sentinel
    ? new Redis({ ...options, sentinels: hosts.map(address), name: target.sentinel.masterName })
    : target.cluster || hosts.length > 1
      ? new Cluster(hosts.map(address), { redisOptions: options })
      : new Redis(target.url, options);
  // A primary killed by a test is an expected error, not an unhandled one.
  client.on('error', () => undefined);
  return client;
}

/**
 * A topology for a suite: the machine's Redis for `single`; for a cluster or a sentinel set,
 * the run's shared one (shared-topologies.ts), or with `own` one of the suite's own (a suite
 * that stops, kills or counts errors on its nodes).
 */
export async function startTopology(kind: TopologyKind, options: { own?: boolean } = {}): Promise<Topology> {
  if (kind === 'single') {
    const target = { url: REDIS_URL };
    const admin = adminFor(target);
    const nodes = [REDIS_URL.replace(/^redis:\/\//, '').replace(/\/.*$/, '')];
    return { kind, target, admin, nodes, dispose: async () => admin.disconnect() };
  }
  const dir = options.own ? undefined : await sharedDir();
  if (dir !== undefined) {
    const { target, nodes } = await sharedTopology(dir, kind);
    const admin = adminFor(target);
    return { kind, target, admin, nodes, dispose: async () => admin.disconnect() };
  }
  if (kind === 'cluster') {
    const cluster = await startCluster();
    const target = { url: `redis://${cluster.nodes.join(',')}` };
    const admin = adminFor(target);
    return {
      kind,
      target,
      admin,
      nodes: cluster.nodes,
      cluster,
      async dispose() {
        admin.disconnect();
        await cluster.dispose();
      },
    };
  }
  const sentinels = await startSentinels();
  const target = {
    url: `redis://${sentinels.sentinels.join(',')}`,
    sentinel: { masterName: MASTER_NAME, nodes: [] },
  };
  const admin = adminFor(target);
  return {
    kind,
    target,
    admin,
    nodes: [await sentinels.primary()],
    sentinels,
    async dispose() {
      admin.disconnect();
      await sentinels.dispose();
    },
  };
}
