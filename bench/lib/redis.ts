/** The Redis the benchmark may use (REDIS_URL, else the local default), and cleaning up after it. */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const quietClient = (url: string) => {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return client;
};

export async function redisAnswers(url = REDIS_URL): Promise<boolean> {
  const probe = quietClient(url);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Removes every key of a gateway namespace a run wrote (`<namespace>:*`); returns how many. */
export async function dropNamespace(namespace: string, url = REDIS_URL): Promise<number> {
  const client = quietClient(url);
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
