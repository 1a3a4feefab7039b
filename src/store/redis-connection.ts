/**
 * The Redis connections one gateway instance shares between everything it keeps in Redis
 * (tokens, refresh locks, idempotency records, breaker messages): a command client and a
 * subscriber. Node only. Commands fail fast while Redis is away (no offline queue, a command
 * timeout for a Redis that accepts connections but does not answer), so nothing waits on it.
 */
import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  url: string;
  connectTimeoutMs?: number;
  /** A command with no answer after this long fails (a paused Redis must not hang requests). */
  commandTimeoutMs?: number;
}

export interface RedisConnection {
  /** For commands; fails at once while disconnected. */
  readonly client: Redis;
  /** Whether the command connection is up right now. */
  readonly connected: boolean;
  /** Called on every transition (up or down), never twice in a row with the same value. */
  onConnectionChange(listener: (connected: boolean) => void): void;
  /** Delivers every message published on `channel` (resubscribed after a reconnection). */
  subscribe(channel: string, handler: (message: string) => void): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

export async function createRedisConnection(options: RedisConnectionOptions): Promise<RedisConnection> {
  const common = {
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    // Reconnect for ever, at most every 2 s: shared mode resumes by itself when Redis returns.
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
    lazyConnect: true,
  };
  const client = new Redis(options.url, {
    ...common,
    // Fail fast while disconnected: a queued command would make token requests hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
  });
  // The subscriber may queue its SUBSCRIBE commands until it is connected.
  const subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true });
  const listeners: ((connected: boolean) => void)[] = [];
  const handlers = new Map<string, ((message: string) => void)[]>();
  let connected = false;
  let closed = false;

  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    for (const listener of listeners) listener(value);
  };
  client.on('ready', () => setConnected(true));
  client.on('close', () => setConnected(false));
  client.on('end', () => setConnected(false));
  // Connection errors surface as `connected: false` and failed commands, never as crashes.
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });

  await Promise.allSettled([client.connect(), subscriber.connect()]);

  return {
    client,
    get connected() {
      return connected;
    },
    onConnectionChange(listener) {
      listeners.push(listener);
    },
    subscribe(channel, handler) {
      const list = handlers.get(channel);
      if (list) {
        list.push(handler);
        return;
      }
      handlers.set(channel, [handler]);
      // ioredis resubscribes by itself after a reconnection.
      void subscriber.subscribe(channel).catch(() => undefined);
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
