/**
 * The breakers' shared medium on Redis (Node only): pub/sub for open/closed decisions on one
 * fleet-global channel, and a short owner-checked lock per account for the fleet's single
 * half-open probe (in the account's slot). Key names hold hashes of carrier and account ids,
 * never credentials.
 */
import type { BreakerChannel, BreakerMessage } from '../resilience/breaker-sync.ts';
import type { RedisConnection } from './redis-connection.ts';
import { accountTag, redisKeys } from './redis-keys.ts';

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export function createRedisBreakerChannel(connection: RedisConnection, namespace: string): BreakerChannel {
  const keys = redisKeys(namespace);
  const channel = keys.fleet.breakers;
  return {
    async publish(message: BreakerMessage) {
      await connection.client.publish(channel, JSON.stringify(message));
    },
    subscribe(handler) {
      void connection.subscribe(channel, (text) => {
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
      const key = keys.account(await accountTag(carrier, account)).probeLock;
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
