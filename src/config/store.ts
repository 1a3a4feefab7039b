/**
 * The shared store's configuration, resolved: secrets from their environment references,
 * REDIS_URL over the file's url, and the combinations that cannot work refused with one
 * issue naming the key (never quoting the URL: it may hold a password).
 */

import { checkEncryptionKeys } from './encryption-keys.ts';
import type { RefResolver } from './env-refs.ts';
import type { Overrides } from './overrides.ts';
import { parseRedisUrl } from './redis-url.ts';
import type { ConfigFile, GatewayConfig, RedisStoreSettings } from './schema.ts';

type RedisFile = Extract<ConfigFile['store'], { kind: 'redis' }>;

function optionalSecret(refs: RefResolver, ref: { env: string } | undefined, key: string) {
  return ref === undefined ? undefined : refs.resolve(ref, key);
}

/** The topology blocks and TLS settings, with their secrets. */
function topologyOf(file: RedisFile, refs: RefResolver): Partial<RedisStoreSettings> {
  const out: Partial<RedisStoreSettings> = {};
  if (file.cluster) out.cluster = { nodes: file.cluster.nodes };
  if (file.sentinel) {
    const { password, ...rest } = file.sentinel;
    const resolved = optionalSecret(refs, password, 'store.sentinel.password');
    out.sentinel = { ...rest, ...(resolved !== undefined ? { password: resolved } : {}) };
  }
  if (file.tls) {
    const tls: NonNullable<RedisStoreSettings['tls']> = {};
    for (const name of ['ca', 'cert', 'key'] as const) {
      const value = optionalSecret(refs, file.tls[name], `store.tls.${name}`);
      if (value !== undefined) tls[name] = value;
    }
    if (file.tls.serverName !== undefined) tls.serverName = file.tls.serverName;
    out.tls = tls;
  }
  if (file.idempotencyReplicaAcks !== undefined) out.idempotencyReplicaAcks = file.idempotencyReplicaAcks;
  if (file.idempotencyWhenUnreachable === 'local') out.idempotencyWhenUnreachable = 'local';
  return out;
}

/** Combinations that cannot work, each named by its key. */
function checkRedis(settings: RedisStoreSettings, urlKey: string, urlVar: string, refs: RefResolver): void {
  const issue = (key: string, message: string) => refs.issues.push({ key, message });
  const parsed = parseRedisUrl(settings.url);
  if ('error' in parsed) {
    issue(urlKey, `environment variable ${urlVar} ${parsed.error}`);
    return;
  }
  if (settings.cluster && settings.sentinel)
    issue('store.sentinel', 'cannot be combined with store.cluster: choose one topology');
  const cluster = settings.cluster !== undefined || (!settings.sentinel && parsed.hosts.length > 1);
  if (cluster && parsed.db !== 0) issue(urlKey, 'a Redis Cluster has database 0 only: drop the /db part');
  if (settings.tls && !parsed.tls) issue('store.tls', `needs a rediss:// URL in ${urlVar}`);
  if (settings.tls && (settings.tls.cert === undefined) !== (settings.tls.key === undefined))
    issue(
      settings.tls.cert === undefined ? 'store.tls.cert' : 'store.tls.key',
      'a client certificate and its key go together: set both',
    );
}

export function resolveStore(
  file: ConfigFile,
  overrides: Overrides,
  refs: RefResolver,
): GatewayConfig['store'] {
  const store = file.store;
  if (store.kind === 'memory' && overrides.redisUrl === undefined) return { kind: 'memory' };
  const fromFile = store.kind === 'redis' ? store : undefined;
  const urlKey = overrides.redisUrl !== undefined ? 'REDIS_URL' : 'store.url';
  const url = overrides.redisUrl ?? (fromFile ? refs.resolve(fromFile.url, 'store.url') : undefined) ?? '';
  const encryptionKeys = checkEncryptionKeys(fromFile?.encryptionKeys ?? [], refs);
  const settings: RedisStoreSettings = {
    kind: 'redis',
    url,
    encryptionKeys,
    namespace: fromFile?.namespace ?? 'gateway',
    ...(fromFile ? topologyOf(fromFile, refs) : {}),
  };
  const urlVar = overrides.redisUrl !== undefined ? 'REDIS_URL' : (fromFile?.url.env ?? 'REDIS_URL');
  if (url !== '') checkRedis(settings, urlKey, urlVar, refs);
  return settings;
}
