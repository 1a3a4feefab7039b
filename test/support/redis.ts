/**
 * Tests that need Redis use the real server at REDIS_URL (default 127.0.0.1:6379). Under CI
 * a missing Redis fails the run; on a developer machine without one, the suite is skipped
 * with a message saying why.
 */
import { pings } from '../redis/support/servers.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisAvailable = (): Promise<boolean> => pings(REDIS_URL);

/** Resolves to true when Redis tests should run; throws under CI when Redis is missing. */
export async function requireRedis(): Promise<boolean> {
  if (await redisAvailable()) return true;
  if (process.env.CI) throw new Error(`Redis is required under CI but ${REDIS_URL} does not answer`);
  console.warn(`[skip] Redis tests skipped: no Redis at ${REDIS_URL} (set REDIS_URL or start redis-server)`);
  return false;
}

export const hasRedis = await requireRedis();

/** A key namespace unique to one test, so parallel test files never collide. */
export const testNamespace = (name: string) => `cgtest:${name}:${crypto.randomUUID().slice(0, 8)}`;

export const TEST_KEY = {
  id: 'k1',
  key: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
};
