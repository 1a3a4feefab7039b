/**
 * The key module: every name of one token (value, lock, channel) and of one account carries
 * one hash tag, so each script runs in one Redis Cluster slot; a store key that names its
 * account group lands in that group's slot; every name starts with the namespace (one ACL
 * key pattern and one channel pattern cover the gateway). The slots themselves are checked
 * on a real cluster in test/redis/cluster-acceptance.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { accountTag, CHANNEL, redisKeys } from '../../src/store/redis-keys.ts';

/** The hash tag Redis Cluster hashes: between the first `{` and the next `}` (when not empty). */
function hashTag(name: string): string {
  const open = name.indexOf('{');
  const close = open === -1 ? -1 : name.indexOf('}', open + 1);
  return close > open + 1 ? name.slice(open + 1, close) : name;
}

const keys = redisKeys('gw-prod');

describe('redis key module', () => {
  it('a token, its lock and its channel share one tag; different tokens do not', () => {
    const a = keys.token('tok:9f3a');
    const b = keys.token('tok:0c1d');
    expect(new Set([a.value, a.lock, a.updates].map(hashTag))).toEqual(new Set(['tok:9f3a']));
    expect(hashTag(b.value)).not.toBe(hashTag(a.value));
    expect(a.updates.endsWith(CHANNEL.tokenUpdates)).toBe(true);
  });

  it("a store key that names its account group is placed in that group's slot", async () => {
    const tag = await accountTag('acme', 'main');
    const primary = keys.token(`tok:{${tag}}aaa`);
    const derived = keys.token(`tok:{${tag}}bbb`);
    expect(hashTag(primary.value)).toBe(tag);
    expect(hashTag(derived.lock)).toBe(tag);
    expect(primary.value).not.toBe(derived.value);
    expect(hashTag(keys.account(tag).probeLock)).toBe(tag);
  });

  it('account tags are short hashes: stable, distinct per account, no id in clear', async () => {
    const tag = await accountTag('acme', 'main');
    expect(tag).toMatch(/^[0-9a-f]{24}$/);
    expect(await accountTag('acme', 'main')).toBe(tag);
    expect(await accountTag('acme', 'main2')).not.toBe(tag);
    expect(await accountTag('acm', 'emain')).not.toBe(await accountTag('acme', 'main'));
  });

  it('an idempotency record and its channel share its tag; fleet-global names share {fleet}', () => {
    const record = keys.idempotency('abc123');
    expect(hashTag(record.record)).toBe('abc123');
    expect(hashTag(record.done)).toBe('abc123');
    expect(record.done.endsWith(CHANNEL.idempotencyDone)).toBe(true);
    expect(Object.values(keys.fleet).map(hashTag)).toEqual(Object.values(keys.fleet).map(() => 'fleet'));
  });

  it('every name starts with the namespace; the one subscription pattern covers every channel', () => {
    const names = [
      ...Object.values(keys.token('tok:1')),
      ...Object.values(keys.account('t')),
      ...Object.values(keys.idempotency('i')),
      ...Object.values(keys.fleet),
    ];
    expect(names.filter((n) => !n.startsWith('gw-prod:'))).toEqual([]);
    expect(keys.patterns.channels).toBe('gw-prod:*');
  });
});
