/** The Redis the benchmark may use (REDIS_URL, else the local default), and cleaning up after it. */
import { Redis } from 'ioredis';
import { pings } from '../../test/redis/support/servers.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers PING at `url` (one attempt, no retries). */
export const redisAnswers = (url = REDIS_URL): Promise<boolean> => pings(url);

/** Removes every key of a gateway namespace a run wrote (`<namespace>:*`); returns how many. */
export async function dropNamespace(namespace: string, url = REDIS_URL): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  let dropped = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) dropped += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return dropped;
}
