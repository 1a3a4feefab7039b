/**
 * The ioredis clients for one topology (Node only): a single server, a Redis Cluster (its
 * seed nodes), or a primary found through Sentinel. Credentials, TLS and the database come
 * from the URL and the TLS settings; the topology decides which client class connects.
 *
 * - Single: the URL's one host.
 * - Cluster: the URL's hosts plus `cluster.nodes` are seeds; ioredis discovers the rest and
 *   follows slot moves and failovers (MOVED/ASK, slot refreshes).
 * - Sentinel: the URL's hosts plus `sentinel.nodes` are sentinels; ioredis asks them for the
 *   primary of `masterName` on every (re)connection, so it reaches the new primary without a
 *   restart: a failover closes the old primary's connections, and a primary demoted while
 *   still reachable answers READONLY, on which the client reconnects. (ioredis's own
 *   `failoverDetector` is left off: its disconnect, landing while a reconnection after the
 *   primary died is asking the sentinels, ends the client for good.)
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseAddress, parseRedisUrl, type RedisAddress } from '../config/redis-url.ts';

export type RedisTopology = 'single' | 'cluster' | 'sentinel';

/** Where Redis is and how to reach it (secrets resolved, PEM text or file paths for TLS). */
export interface RedisTarget {
  url: string;
  cluster?: { nodes?: readonly string[] };
  sentinel?: {
    masterName: string;
    nodes?: readonly string[];
    username?: string;
    password?: string;
    /** Whether the sentinels themselves speak TLS (default: as the URL's scheme says). */
    tls?: boolean;
  };
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string };
}

export type RedisClient = Redis | Cluster;

export interface RedisClients {
  topology: RedisTopology;
  /** For commands: fails at once while disconnected. */
  client: RedisClient;
  /** For pub/sub: queues its SUBSCRIBE commands until connected, resubscribes after a reconnection. */
  subscriber: RedisClient;
  /** The user commands run as ('default' without a user name). */
  user: string;
  /** Where a single server is (its only primary). */
  seeds: readonly RedisAddress[];
}

export interface ClientTimings {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export function topologyOf(target: RedisTarget): RedisTopology {
  if (target.sentinel) return 'sentinel';
  const parsed = parseRedisUrl(target.url);
  if (target.cluster || ('hosts' in parsed && parsed.hosts.length > 1)) return 'cluster';
  return 'single';
}

/** PEM text as is; anything else is the path of a PEM file (a mounted secret). */
function pem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

function tlsOptions(target: RedisTarget): ConnectionOptions {
  const tls = target.tls ?? {};
  const options: ConnectionOptions = {};
  const ca = pem(tls.ca);
  const cert = pem(tls.cert);
  const key = pem(tls.key);
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  if (tls.serverName !== undefined) options.servername = tls.serverName;
  return options;
}

// Reconnect for ever, at most every 2 s: shared mode resumes by itself when Redis returns.
const retry = (attempt: number) => Math.min(100 * attempt, 2_000);
// A primary demoted in a failover still answers, but refuses writes: find the new one.
const reconnectOnReadonly = (error: Error) => (error.message.startsWith('READONLY') ? 1 : false);

export function createRedisClients(target: RedisTarget, timings: ClientTimings): RedisClients {
  const parsed = parseRedisUrl(target.url, target.sentinel ? 26_379 : 6379);
  if ('error' in parsed) throw new Error(`the Redis URL ${parsed.error}`);
  const topology = topologyOf(target);
  const tls = parsed.tls ? tlsOptions(target) : undefined;
  const common: RedisOptions = {
    ...(parsed.username !== undefined ? { username: parsed.username } : {}),
    ...(parsed.password !== undefined ? { password: parsed.password } : {}),
    ...(tls ? { tls } : {}),
    db: parsed.db,
    connectTimeout: timings.connectTimeoutMs,
    lazyConnect: true,
    // No INFO ready check, no CLIENT SETINFO: the gateway's ACL user needs neither.
    enableReadyCheck: false,
    disableClientInfo: true,
  };
  // Fail fast while disconnected: a queued command would make token requests hang.
  const forCommands: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timings.commandTimeoutMs,
  };
  const user = parsed.username ?? 'default';

  if (topology === 'cluster') {
    const extra = (target.cluster?.nodes ?? []).flatMap((n) => parseAddress(n, 6379) ?? []);
    const seeds = [...parsed.hosts, ...extra];
    const cluster = (offlineQueue: boolean, commands: RedisOptions) =>
      new Cluster(seeds, {
        redisOptions: { ...common, ...commands },
        enableOfflineQueue: offlineQueue,
        // Ready once CLUSTER INFO says the cluster serves every slot.
        enableReadyCheck: true,
        lazyConnect: true,
        clusterRetryStrategy: retry,
        // With TLS, keep host names as given so certificates match (managed cluster endpoints).
        ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      });
    return {
      topology,
      client: cluster(false, { maxRetriesPerRequest: 1, commandTimeout: timings.commandTimeoutMs }),
      subscriber: cluster(true, {}),
      user,
      seeds,
    };
  }

  if (topology === 'sentinel') {
    const sentinel = target.sentinel!;
    const extra = (sentinel.nodes ?? []).flatMap((n) => parseAddress(n, 26_379) ?? []);
    const sentinelTls = sentinel.tls ?? parsed.tls;
    const options = (): RedisOptions => ({
      ...common,
      sentinels: [...parsed.hosts, ...extra],
      name: sentinel.masterName,
      role: 'master',
      ...(sentinel.username !== undefined ? { sentinelUsername: sentinel.username } : {}),
      ...(sentinel.password !== undefined ? { sentinelPassword: sentinel.password } : {}),
      ...(tls ? { enableTLSForSentinelMode: true } : {}),
      ...(sentinelTls ? { sentinelTLS: tlsOptions(target) } : {}),
      sentinelRetryStrategy: retry,
      retryStrategy: retry,
      reconnectOnError: reconnectOnReadonly,
    });
    return {
      topology,
      client: new Redis({ ...options(), ...forCommands }),
      subscriber: new Redis({ ...options(), enableOfflineQueue: true }),
      user,
      seeds: parsed.hosts,
    };
  }

  const host = parsed.hosts[0]!;
  const options: RedisOptions = { ...common, host: host.host, port: host.port, retryStrategy: retry };
  return {
    topology,
    client: new Redis({ ...options, ...forCommands }),
    subscriber: new Redis({ ...options, enableOfflineQueue: true }),
    user,
    seeds: [host],
  };
}
