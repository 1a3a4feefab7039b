/**
 * The Redis connections one gateway instance shares between everything it keeps in Redis
 * (tokens, refresh locks, idempotency records, breaker messages): a command client and a
 * subscriber, for a single server, a Redis Cluster or a Sentinel-managed primary
 * (redis-clients.ts). Node only. Commands fail fast while Redis is away (no offline queue, a
 * command timeout for a Redis that accepts connections but does not answer), so nothing
 * waits on it. It reports connection transitions and changes of primary (failovers).
 */
import type { Cluster } from 'ioredis';
import {
  type ClientTimings,
  createRedisClients,
  type RedisClient,
  type RedisTarget,
  type RedisTopology,
} from './redis-clients.ts';
import { type PrimaryChange, trackPrimaries } from './redis-primary.ts';

export type { PrimaryChange } from './redis-primary.ts';

export interface RedisConnectionOptions extends RedisTarget {
  connectTimeoutMs?: number;
  /** A command with no answer after this long fails (a paused Redis must not hang requests). */
  commandTimeoutMs?: number;
}

export interface RedisConnection {
  /** For commands; fails at once while disconnected. */
  readonly client: RedisClient;
  readonly topology: RedisTopology;
  /** The ACL user the gateway runs as. */
  readonly user: string;
  /** Whether the command connection is up right now. */
  readonly connected: boolean;
  /** What stopped the first connection, when Redis answered (refused credentials, TLS, ACL). */
  readonly startupError: Error | undefined;
  /** Called on every transition (up or down), never twice in a row with the same value. */
  onConnectionChange(listener: (connected: boolean) => void): void;
  /**
   * Delivers every message published on `channel` (resubscribed after a reconnection).
   * Resolves once Redis confirmed the subscription, or with the error that refused it.
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<Error | undefined>;
  /** As subscribe, for every channel matching a glob `pattern`. */
  psubscribe(
    pattern: string,
    handler: (channel: string, message: string) => void,
  ): Promise<Error | undefined>;
  /** Every key matching `pattern`, on every primary. */
  scan(pattern: string): Promise<string[]>;
  /** `host:port` of each primary written to now. */
  primaries(): readonly string[];
  /** Changes of primary seen since start. */
  failovers(): number;
  onPrimaryChange(listener: (change: PrimaryChange) => void): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

async function scanNode(node: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Waits for a subscription's confirmation; never rejects (the error is the answer). */
const confirmed = (subscribing: Promise<unknown>) =>
  subscribing.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );

export async function createRedisConnection(options: RedisConnectionOptions): Promise<RedisConnection> {
  const timings: ClientTimings = {
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
  };
  const clients = createRedisClients(options, timings);
  const { client, subscriber, topology } = clients;
  const tracker = trackPrimaries(clients);
  const listeners: ((connected: boolean) => void)[] = [];
  const handlers = new Map<string, ((message: string) => void)[]>();
  const patternHandlers = new Map<string, ((channel: string, message: string) => void)[]>();
  // Each channel or pattern is subscribed once; later handlers share its confirmation.
  const confirmations = new Map<string, Promise<Error | undefined>>();
  let connected = false;
  let closed = false;
  let startupError: Error | undefined;

  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    for (const listener of listeners) listener(value);
  };
  client.on('ready', () => setConnected(true));
  client.on('close', () => setConnected(false));
  client.on('end', () => setConnected(false));
  // A client that gave up (a connector error during a reconnection ends it) starts again:
  // only close() ends the connection.
  for (const c of [client, subscriber]) {
    c.on('end', () => {
      if (closed) return;
      setTimeout(() => {
        if (!closed) c.connect().catch(() => undefined);
      }, 1_000).unref?.();
    });
  }
  // Connection errors surface as `connected: false` and failed commands, never as crashes.
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });
  subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
    for (const handler of patternHandlers.get(pattern) ?? []) handler(channel, message);
  });

  // The first error explains a failed start ('connect' itself only says the connection closed).
  let firstError: (Error & { lastNodeError?: Error }) | undefined;
  const noteFirst = (error: Error) => {
    firstError ??= error;
  };
  client.on('error', noteFirst);
  const [first] = await Promise.allSettled([client.connect(), subscriber.connect()]);
  client.off('error', noteFirst);
  if (first.status === 'rejected') {
    const reason = firstError ?? (first.reason as Error & { lastNodeError?: Error });
    startupError = reason.lastNodeError ?? reason;
  }

  return {
    client,
    topology,
    user: clients.user,
    get connected() {
      return connected;
    },
    get startupError() {
      return startupError;
    },
    onConnectionChange(listener) {
      listeners.push(listener);
    },
    subscribe(channel, handler) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), handler]);
      const key = `channel ${channel}`;
      // ioredis resubscribes by itself after a reconnection.
      if (!confirmations.has(key)) confirmations.set(key, confirmed(subscriber.subscribe(channel)));
      return confirmations.get(key)!;
    },
    psubscribe(pattern, handler) {
      patternHandlers.set(pattern, [...(patternHandlers.get(pattern) ?? []), handler]);
      const key = `pattern ${pattern}`;
      if (!confirmations.has(key)) confirmations.set(key, confirmed(subscriber.psubscribe(pattern)));
      return confirmations.get(key)!;
    },
    async scan(pattern) {
      if (topology !== 'cluster') return scanNode(client, pattern);
      const found = await Promise.all((client as Cluster).nodes('master').map((n) => scanNode(n, pattern)));
      return found.flat();
    },
    primaries: () => tracker.primaries(),
    failovers: () => tracker.failovers(),
    onPrimaryChange(listener) {
      tracker.onChange(listener);
    },
    async ping() {
      if (!connected) return false;
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      client.disconnect();
      subscriber.disconnect();
    },
  };
}
