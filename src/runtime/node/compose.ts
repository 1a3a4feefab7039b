/**
 * The Node composition root: configuration in, a running app out. main.ts, the end-to-end
 * tests and the benchmarks all build the gateway through here, so they run the same thing.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { createApp } from '../../api/app.ts';
import type { ApiApp } from '../../api/env.ts';
import { createLogger, type Logger } from '../../api/logger.ts';
import { mountConnect } from '../../api/routes/connect.ts';
import { type Broker, createCredentialBroker } from '../../auth/broker.ts';
import { connectRoutes } from '../../auth/connect.ts';
import type { TokenStore } from '../../auth/types.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { policiesFrom } from '../../config/policies.ts';
import type { GatewayConfig } from '../../config/schema.ts';
import { createGateway, type Gateway } from '../../gateway/create.ts';
import type { HealthMonitor } from '../../health/monitor.ts';
import { combineHooks, createHealthWiring, type HealthComposeOptions } from '../../health/setup.ts';
import type { BudgetSettings } from '../../resilience/budget.ts';
import type { CarrierPolicy } from '../../resilience/settings.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import type { RedisTokenStore } from '../../store/redis.ts';
import { createAuthTelemetry } from '../../telemetry/auth-telemetry.ts';
import { observeGateway } from '../../telemetry/gateway-telemetry.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { tracedAuthGate, tracedFetch } from '../../telemetry/token-refresh.ts';
import { openSharedState, type SharedState, type SharedStateTuning } from './shared-state.ts';
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
  /** Timeout of one token-endpoint call (default: the broker's, 10 s). */
  tokenCallTimeoutMs?: number;
  /** Timings of the shared (Redis) mode; tests shorten them. */
  sharedTuning?: SharedStateTuning;
  /**
   * A clock for the circuit breakers alone: they then run without timers, and their reset
   * periods pass when this clock says so (tests make the half-open moment a state they control).
   */
  breakerClock?: () => number;
  /** Background health monitoring (probes, alerts); without it the monitor is passive. */
  health?: HealthComposeOptions;
}

export interface Composed {
  app: ApiApp;
  gateway: Gateway;
  broker: Broker;
  store: TokenStore;
  logger: Logger;
  /** Health scores, probes, alerts and the admin actions behind /admin and /dashboard. */
  health: HealthMonitor;
  close(): Promise<void>;
}

export async function composeGateway(options: ComposeOptions): Promise<Composed> {
  const { config } = options;
  const carriers = options.registry ?? registry;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  for (const account of options.accounts)
    for (const value of Object.values(account.secrets)) registerSecret(value);
  for (const key of [...options.apiKeys, ...config.adminKeys]) registerSecret(key);

  // Several instances share Redis: tokens, refresh locks, label idempotency, breaker decisions.
  const shared: SharedState | undefined =
    config.store.kind === 'redis'
      ? await openSharedState(config.store, logger, options.sharedTuning)
      : undefined;
  const store: TokenStore | RedisTokenStore = shared?.store ?? createMemoryTokenStore();
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
  // Each carrier's calls go through a pool with its own connect timeout.
  const carrierFetch = (carrier: string) =>
    transport.fetchFor(policies[carrier]?.timeouts.connectMs ?? 3_000);
  const tokenFetch = tracedFetch(transport.fetchFor(3_000));
  const authTelemetry = createAuthTelemetry();
  const healthWiring = createHealthWiring(options.health);
  const broker = createCredentialBroker({
    store,
    profileOf,
    fetch: tokenFetch,
    logger,
    hooks: combineHooks(authTelemetry.hooks, healthWiring.hooks),
    authGate: tracedAuthGate(),
    ...(options.tokenCallTimeoutMs !== undefined ? { tokenCallTimeoutMs: options.tokenCallTimeoutMs } : {}),
    ...(shared
      ? {
          coordinator: shared.coordinator,
          ...(options.sharedTuning?.lockTtlMs !== undefined
            ? { lockTtlMs: options.sharedTuning.lockTtlMs }
            : {}),
        }
      : {}),
  });
  const gateway = createGateway({
    registry: carriers,
    accounts: options.accounts,
    policies,
    broker,
    fetchFor: carrierFetch,
    ...(options.budget ? { budget: options.budget } : {}),
    observer: healthWiring.observer,
    health: healthWiring.view,
    ...(shared ? { idempotency: shared.idempotency, readiness: shared.readiness } : {}),
    breakers: {
      ...shared?.breakers.boardOptions,
      ...(options.breakerClock ? { drive: 'calls' as const, now: options.breakerClock } : {}),
    },
  });
  shared?.breakers.attach(gateway.board);
  const stopObserving = observeGateway({
    accounts: options.accounts,
    board: gateway.board,
    broker,
    auth: authTelemetry,
    logger,
  });
  const publicBaseUrl = config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
  const health = healthWiring.attach({
    gateway,
    broker,
    store,
    accounts: options.accounts,
    config,
    fetchFor: carrierFetch,
    publicBaseUrl,
    logger,
  });
  const app = createApp({
    gateway: health.service,
    afterAuth: health.afterAuth,
    apiKeys: options.apiKeys,
    adminKeys: config.adminKeys,
    bodyLimitBytes: config.server.bodyLimitBytes,
    logger,
    extraRoutes: (api) => {
      mountConnect(
        api,
        connectRoutes({
          broker,
          findAccount: (carrier, id) => options.accounts.find((a) => a.carrier === carrier && a.id === id),
          profileOf,
          publicBaseUrl,
          fetch: tokenFetch,
        }),
      );
      health.routes(api);
      options.extraRoutes?.(api);
    },
  });
  health.startIfWanted();

  return {
    app,
    gateway,
    broker,
    store,
    logger,
    health: health.monitor,
    async close() {
      await health.monitor.stop();
      stopObserving();
      await gateway.close();
      await transport.close();
      if ('close' in store && typeof store.close === 'function') await store.close();
      await shared?.close();
    },
  };
}
