/**
 * The gateway configuration of a soak run: one JSON file shared by every instance (as a fleet
 * behind a load balancer would be deployed) and an environment per instance (its port and
 * public URL). Secrets are environment references, as the product requires. Timeouts and breaker
 * reset periods are shortened so that a run's recovery phase sees breakers close.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { carriers } from '../../../carriers/index.ts';
import { SANDBOX_FALLBACKS } from '../../../sandbox/fallbacks.ts';
import type { SoakAccount } from './accounts.ts';

/**
 * Token calls get more time than API calls: a refresh the carrier completes after the gateway
 * gave up spends a single-use refresh token for nothing (chaos A8), so a busy machine must not
 * cause one; token faults that are slower than this are `hang` (nothing processed).
 */
export const TIMEOUTS = { connectMs: 1_000, totalMs: 4_000, tokenMs: 5_000 };
/** The slowest a `slow` token fault answers: well inside the token timeout. */
export const SLOW_TOKEN_MAX_MS = 2_500;
export const BREAKERS = {
  auth: { errorThresholdPercentage: 50, volumeThreshold: 5, rollingWindowMs: 10_000, resetTimeoutMs: 5_000 },
  api: { errorThresholdPercentage: 50, volumeThreshold: 10, rollingWindowMs: 10_000, resetTimeoutMs: 5_000 },
};

export interface GatewayEnvironment {
  configPath: string;
  apiKey: string;
  adminKey: string;
  /** The environment every instance shares (secrets, keys, Redis). */
  shared: Record<string, string>;
}

const envName = (account: SoakAccount, field: string) =>
  `SOAK_${account.carrier}_${account.id}_${field}`.toUpperCase().replaceAll(/[^A-Z0-9_]/g, '_');

export async function writeGatewayConfig(options: {
  dir: string;
  accounts: readonly SoakAccount[];
  simulatorUrl: (carrier: string) => string;
  redisUrl: string;
  namespace: string;
}): Promise<GatewayEnvironment> {
  const shared: Record<string, string> = {};
  const carrierConfig: Record<string, unknown> = {};
  for (const definition of carriers) {
    const accounts = options.accounts
      .filter((a) => a.carrier === definition.id)
      .map((account) => {
        const credentials: Record<string, { env: string }> = {};
        for (const [field, value] of Object.entries(account.secrets)) {
          const name = envName(account, field);
          shared[name] = value;
          credentials[field] = { env: name };
        }
        return {
          id: account.id,
          environment: 'sandbox',
          auth: account.auth,
          credentials,
          settings: account.settings,
          baseUrls: Object.fromEntries(
            Object.keys(definition.hosts).map((host) => [host, options.simulatorUrl(definition.id)]),
          ),
        };
      });
    if (accounts.length === 0) continue;
    carrierConfig[definition.id] = {
      accounts,
      fallbacks: SANDBOX_FALLBACKS[definition.id] ?? [],
      breaker: BREAKERS,
      timeouts: TIMEOUTS,
    };
  }
  const apiKey = `sk_soak_${randomBytes(16).toString('hex')}`;
  const adminKey = `sk_soak_admin_${randomBytes(16).toString('hex')}`;
  Object.assign(shared, {
    GATEWAY_API_KEYS: apiKey,
    GATEWAY_ADMIN_KEYS: adminKey,
    REDIS_URL: options.redisUrl,
    SOAK_TOKEN_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
  });
  const config = {
    apiKeys: [{ env: 'GATEWAY_API_KEYS' }],
    adminKeys: [{ env: 'GATEWAY_ADMIN_KEYS' }],
    store: {
      kind: 'redis',
      url: { env: 'REDIS_URL' },
      encryptionKeys: [{ id: 'soak', key: { env: 'SOAK_TOKEN_KEY' } }],
      namespace: options.namespace,
    },
    carriers: carrierConfig,
  };
  const configPath = join(options.dir, 'gateway.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { configPath, apiKey, adminKey, shared };
}
