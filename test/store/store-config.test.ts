/**
 * The store block of the configuration: the three topologies and TLS resolved from the file
 * and the environment (secrets by reference), and every combination that cannot work
 * stopping start-up with an issue naming its key, without quoting the URL's password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load.ts';
import { parseRedisUrl } from '../../src/config/redis-url.ts';
import { fakeRegistry } from '../support/fake-registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'gateway-store-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 's3cr3t-redis-password';
const KEY = btoa('k'.repeat(32));

async function load(store: unknown, env: Record<string, string> = {}) {
  const path = join(dir, `${crypto.randomUUID()}.json`);
  writeFileSync(path, JSON.stringify({ store }));
  return loadConfig({ env: { STORE_KEY: KEY, ...env, GATEWAY_CONFIG: path }, registry: fakeRegistry });
}

async function issues(store: unknown, env: Record<string, string> = {}) {
  const error = await load(store, env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).not.toContain(PASSWORD);
  return (error as ConfigError).issues.map((i) => `${i.key}: ${i.message}`);
}

const redis = (extra: Record<string, unknown> = {}) => ({
  kind: 'redis',
  url: { env: 'STORE_URL' },
  encryptionKeys: [{ id: 'k1', key: { env: 'STORE_KEY' } }],
  ...extra,
});

describe('store configuration', () => {
  it('one host: a single server; several: cluster seeds; sentinel: the hosts are sentinels', async () => {
    const single = await load(redis(), { STORE_URL: `redis://:${PASSWORD}@cache:6379/2` });
    expect(single.config.store).toMatchObject({ kind: 'redis', url: `redis://:${PASSWORD}@cache:6379/2` });
    expect(single.config.store).not.toHaveProperty('cluster');

    const seeds = await load(redis({ cluster: { nodes: ['c:7003'] } }), {
      STORE_URL: 'redis://c:7001,c:7002',
    });
    expect(seeds.config.store).toMatchObject({ cluster: { nodes: ['c:7003'] } });

    const sentinel = await load(
      redis({ sentinel: { masterName: 'gw', nodes: ['s3:26379'], password: { env: 'SENTINEL_PASSWORD' } } }),
      { STORE_URL: `redis://gateway:${PASSWORD}@s1:26379,s2:26379`, SENTINEL_PASSWORD: 'sentinel-pass' },
    );
    expect(sentinel.config.store).toMatchObject({
      sentinel: { masterName: 'gw', nodes: ['s3:26379'], password: 'sentinel-pass' },
    });
  });

  it('REDIS_URL over the file, with several hosts, selects a Redis Cluster store', async () => {
    const { config } = await load(redis(), {
      STORE_URL: 'redis://cache:6379',
      REDIS_URL: 'redis://10.0.0.1:7001,10.0.0.2:7002',
    });
    expect(config.store).toMatchObject({ kind: 'redis', url: 'redis://10.0.0.1:7001,10.0.0.2:7002' });
  });

  it('REDIS_URL alone is refused: tokens are never stored in Redis without an encryption key', async () => {
    const error = await loadConfig({
      env: { REDIS_URL: 'redis://10.0.0.1:7001,10.0.0.2:7002' },
      registry: fakeRegistry,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('store.encryptionKeys');
  });

  it('TLS: CA and client certificate by environment reference', async () => {
    const { config } = await load(
      redis({
        tls: { ca: { env: 'CA' }, cert: { env: 'CERT' }, key: { env: 'TLS_KEY' }, serverName: 'cache' },
      }),
      { STORE_URL: 'rediss://cache:6380', CA: '/run/secrets/ca.pem', CERT: 'cert-pem', TLS_KEY: 'key-pem' },
    );
    expect(config.store).toMatchObject({
      tls: { ca: '/run/secrets/ca.pem', cert: 'cert-pem', key: 'key-pem', serverName: 'cache' },
    });
  });

  it('combinations that cannot work: one issue each, naming the key', async () => {
    const url = { STORE_URL: `redis://:${PASSWORD}@cache:6379` };
    expect(await issues(redis({ cluster: {}, sentinel: { masterName: 'gw' } }), url)).toEqual([
      'store.sentinel: cannot be combined with store.cluster: choose one topology',
    ]);
    expect(await issues(redis({ tls: { ca: { env: 'CA' } } }), { ...url, CA: 'pem' })).toEqual([
      'store.tls: needs a rediss:// URL in STORE_URL',
    ]);
    expect(
      await issues(redis({ tls: { cert: { env: 'CERT' } } }), {
        STORE_URL: `rediss://:${PASSWORD}@cache`,
        CERT: 'pem',
      }),
    ).toEqual(['store.tls.key: a client certificate and its key go together: set both']);
    expect(await issues(redis(), { STORE_URL: `redis://:${PASSWORD}@a:1,b:2/3` })).toEqual([
      'store.url: a Redis Cluster has database 0 only: drop the /db part',
    ]);
    expect(await issues(redis(), { STORE_URL: `http://:${PASSWORD}@cache` })).toEqual([
      'store.url: environment variable STORE_URL must be a redis:// or rediss:// URL (host[:port], several separated by commas)',
    ]);
    expect(await issues(redis({ sentinel: { masterName: 'gw', nodes: ['no-port'] } }), url)).toEqual([
      'store.sentinel.nodes[0]: must be host:port',
    ]);
    expect(await issues(redis({ sentinel: { masterName: 'gw', password: 'inline' } }), url)).toEqual([
      'store.sentinel.password: a secret must not be inlined in the file: reference it as { "env": "VAR_NAME" }',
    ]);
    expect(await issues(redis({ idempotencyReplicaAcks: -1 }), url)).toHaveLength(1);
    expect((await issues(redis({ idempotencyReplicaAcks: -1 }), url))[0]).toMatch(
      /^store\.idempotencyReplicaAcks: /,
    );
  });

  it('a bad REDIS_URL is named without being quoted', async () => {
    const error = await loadConfig({
      env: { REDIS_URL: `redis://:${PASSWORD}@a:99999` },
      registry: fakeRegistry,
    }).then(
      () => undefined,
      (e: unknown) => e as ConfigError,
    );
    expect(error?.issues).toEqual([{ key: 'REDIS_URL', message: 'has a host that is not host[:port]' }]);
    expect(error?.message).not.toContain(PASSWORD);
  });
});

describe('Redis URLs with several hosts', () => {
  it('reads scheme, user, password (percent-decoded), hosts with default ports, IPv6 and the database', () => {
    expect(parseRedisUrl('rediss://gw:p%40ss@a:7001,[::1]:7002,b/4')).toEqual({
      tls: true,
      username: 'gw',
      password: 'p@ss',
      db: 4,
      hosts: [
        { host: 'a', port: 7001 },
        { host: '::1', port: 7002 },
        { host: 'b', port: 6379 },
      ],
    });
    expect(parseRedisUrl('redis://:only-password@cache', 26_379)).toEqual({
      tls: false,
      password: 'only-password',
      db: 0,
      hosts: [{ host: 'cache', port: 26_379 }],
    });
    for (const bad of [
      'redis://',
      'redis://a:0',
      'redis://a:1,,b',
      'redis://a/x',
      'redis://a?family=6',
      'cache:6379',
    ])
      expect(parseRedisUrl(bad)).toHaveProperty('error');
  });
});
