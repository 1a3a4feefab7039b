/**
 * The breakers' shared medium on Redis (Node only): pub/sub for open/closed decisions and a
 * short owner-checked lock per account for the fleet's single half-open probe. Key names
 * hold hashes of carrier and account ids, never credentials.
 */
import type { BreakerChannel, BreakerMessage } from '../resilience/breaker-sync.ts';
import type { RedisConnection } from './redis-connection.ts';

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function createRedisBreakerChannel(connection: RedisConnection, namespace: string): BreakerChannel {
  const channel = `${namespace}:breakers`;
  return {
    async publish(message: BreakerMessage) {
      await connection.client.publish(channel, JSON.stringify(message));
    },
    subscribe(handler) {
      connection.subscribe(channel, (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return; // not ours: ignored (the sync validates what it gets anyway)
        }
        handler(parsed);
      });
    },
    async tryProbeLock(carrier, account, ttlMs) {
      const key = `${namespace}:probe:${await shortHash(`${carrier}\u0000${account}`)}`;
      const owner = crypto.randomUUID();
      const taken = await connection.client.set(key, owner, 'PX', ttlMs, 'NX');
      if (taken !== 'OK') return undefined;
      return {
        release: async () => {
          await connection.client.eval(RELEASE_SCRIPT, 1, key, owner);
        },
      };
    },
  };
}
