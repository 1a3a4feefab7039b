/**
 * The revoke-all drill with the shared Redis store: every token key of the namespace holds a
 * tombstone without any token afterwards, and the next requests re-authenticate. Under CI a missing Redis
 * fails (test/support/redis.ts); elsewhere the file is skipped with a printed reason.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis-keys.ts';
import { hasRedis, REDIS_URL, TEST_KEY, testNamespace } from '../support/redis.ts';
import { type HealthHarness, RATE_BODY, startHealthHarness } from './support/harness.ts';

describe.runIf(hasRedis)('revoke-all drill on Redis', () => {
  const namespace = testNamespace('revoke-all');
  let h: HealthHarness;
  let redis: Redis;
  const tokenKeys = () => redis.keys(redisKeys(namespace).patterns.tokens);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    h = await startHealthHarness({
      carriers: ['ups', 'fedex'],
      config: (config) => ({
        ...config,
        store: { kind: 'redis', url: REDIS_URL, namespace, encryptionKeys: [TEST_KEY] },
      }),
    });
  });
  afterAll(async () => {
    await h.close();
    const left = await redis.keys(`${namespace}:*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
  });

  it('drops every token from Redis and the next requests re-authenticate', async () => {
    for (const carriers of [['ups'], ['fedex']])
      expect((await h.request('POST', '/v1/rates', RATE_BODY(carriers))).status).toBe(200);
    expect((await tokenKeys()).length).toBeGreaterThanOrEqual(2);
    const calls = async () =>
      Object.values((await h.control.stats('ups')).tokenCalls).reduce((a, b) => a + b, 0) +
      Object.values((await h.control.stats('fedex')).tokenCalls).reduce((a, b) => a + b, 0);
    const before = await calls();

    const { status, body } = await h.admin<{ tokensDropped: number; remaining: number; durationMs: number }>(
      'POST',
      '/admin/revoke-all',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ remaining: 0, durationMs: expect.any(Number) });
    expect(body.tokensDropped).toBeGreaterThanOrEqual(2);
    // Every token key holds a tombstone: no access token, no refresh token.
    const keys = await tokenKeys();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const raw of keys) {
      // `<namespace>:{<store key>}:token`: the store key is the hash tag.
      const storeKey = /\{([^{}]+)\}:token$/.exec(raw)?.[1] ?? '';
      const left = (await h.composed.store.get(storeKey))?.value;
      expect(left).toMatchObject({ accessToken: '', expiresAt: 0, revokedAt: expect.any(Number) });
      expect(left?.refreshToken).toBeUndefined();
    }

    for (const carriers of [['ups'], ['fedex']])
      expect((await h.request('POST', '/v1/rates', RATE_BODY(carriers))).status).toBe(200);
    expect(await calls()).toBe(before + 2);
    expect((await tokenKeys()).length).toBeGreaterThanOrEqual(2);
  });
});
