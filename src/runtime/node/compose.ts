/**
 * The Node composition root: configuration in, a running app out. main.ts, the end-to-end
 * tests and the benchmarks all build the gateway through here, so they run the same thing.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { createApp } from '../../api/app.ts';
import type { ApiApp } from '../../api/env.ts';
import { createLogger, type Logger } from '../../api/logger.ts';
import { type Broker, createCredentialBroker } from '../../auth/broker.ts';
import { connectRoutes } from '../../auth/connect.ts';
import type { TokenStore } from '../../auth/types.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { policiesFrom } from '../../config/policies.ts';
import type { GatewayConfig } from '../../config/schema.ts';
import { createGateway, type Gateway } from '../../gateway/create.ts';
import type { BudgetSettings } from '../../resilience/budget.ts';
import type { CarrierPolicy } from '../../resilience/settings.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { createRedisTokenStore, type RedisTokenStore } from '../../store/redis.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { createNodeUpstreamFetch } from './upstream-fetch.ts';

export interface ComposeOptions {
  config: GatewayConfig;
  accounts: readonly ResolvedAccount[];
  apiKeys: readonly string[];
  /** Fallback chains for carriers the configuration does not describe (sandbox mode). */
  defaultFallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Policies that replace the configured ones (tests and benchmarks tune breakers this way). */
  policies?: Readonly<Record<string, CarrierPolicy>>;
  registry?: readonly CarrierDefinition[];
  logger?: Logger;
  budget?: BudgetSettings;
  /** Extra routes (metrics, admin) mounted behind the same auth and error handling. */
  extraRoutes?: (app: ApiApp) => void;
}

export interface Composed {
  app: ApiApp;
  gateway: Gateway;
  broker: Broker;
  store: TokenStore;
  logger: Logger;
  close(): Promise<void>;
}

export async function composeGateway(options: ComposeOptions): Promise<Composed> {
  const { config } = options;
  const carriers = options.registry ?? registry;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  for (const account of options.accounts)
    for (const value of Object.values(account.secrets)) registerSecret(value);
  for (const key of [...options.apiKeys, ...config.adminKeys]) registerSecret(key);

  const store: TokenStore | RedisTokenStore =
    config.store.kind === 'redis'
      ? await createRedisTokenStore({
          url: config.store.url,
          namespace: config.store.namespace,
          encryptionKeys: config.store.encryptionKeys,
        })
      : createMemoryTokenStore();
  const transport = createNodeUpstreamFetch();
  const policies = {
    ...policiesFrom(
      config,
      carriers.map((c) => c.id),
      options.defaultFallbacks,
    ),
    ...options.policies,
  };
  const profileOf = (id: string) => {
    const carrier = carriers.find((c) => c.id === id);
    if (!carrier) throw new Error(`unknown carrier ${id}`);
    return carrier.auth;
  };
  const tokenFetch = transport.fetchFor(3_000);
  const broker = createCredentialBroker({ store, profileOf, fetch: tokenFetch, logger });
  const gateway = createGateway({
    registry: carriers,
    accounts: options.accounts,
    policies,
    broker,
    fetchFor: (carrier) => transport.fetchFor(policies[carrier]?.timeouts.connectMs ?? 3_000),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const publicBaseUrl = config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
  const app = createApp({
    gateway,
    apiKeys: options.apiKeys,
    adminKeys: config.adminKeys,
    bodyLimitBytes: config.server.bodyLimitBytes,
    logger,
    extraRoutes: (api) => {
      api.route(
        '/',
        connectRoutes({
          broker,
          findAccount: (carrier, id) => options.accounts.find((a) => a.carrier === carrier && a.id === id),
          profileOf,
          publicBaseUrl,
          fetch: tokenFetch,
        }),
      );
      options.extraRoutes?.(api);
    },
  });

  return {
    app,
    gateway,
    broker,
    store,
    logger,
    async close() {
      await gateway.close();
      await transport.close();
      if ('close' in store && typeof store.close === 'function') await store.close();
    },
  };
}
