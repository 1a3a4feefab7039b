/**
 * The one composition of the gateway: configuration and ports in, a running core out. The
 * Node entry (memory or Redis ports) and the Worker entry (Durable Object ports) both call
 * it, so every capability — the API, the broker and breakers, failover, idempotency, health,
 * the admin API, the dashboard, the connect flow, telemetry — exists on both by construction.
 */
import { carriers as defaultRegistry } from '../../carriers/index.ts';
import { credentialsChanged, recordOf } from '../accounts/record.ts';
import { createAccountRegistry } from '../accounts/registry.ts';
import { createApp } from '../api/app.ts';
import type { ApiApp } from '../api/env.ts';
import { callerObserver } from '../api/middleware/caller-watch.ts';
import { registerAdmin } from '../api/routes/admin.ts';
import { registerAccountAdmin } from '../api/routes/admin-accounts.ts';
import { registerDashboard } from '../api/routes/admin-dashboard.ts';
import { mountConnect } from '../api/routes/connect.ts';
import { type Broker, createCredentialBroker } from '../auth/broker.ts';
import { connectRoutes } from '../auth/connect.ts';
import { createSharedTokenQuota } from '../auth/quota.ts';
import { createRevocations } from '../auth/revocations.ts';
import type { TokenStore } from '../auth/types.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { policiesFrom } from '../config/policies.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { createMembership } from '../control/members.ts';
import { createMemoryControlPlane } from '../control/memory.ts';
import { createEventBus, type EventBus } from '../events/bus.ts';
import { createGateway, type Gateway } from '../gateway/create.ts';
import type { GatewayService } from '../gateway/service.ts';
import { accountHealthConfigFrom, healthSettingsFromConfig } from '../health/from-config.ts';
import { createHealth, type Health } from '../health/index.ts';
import { type HealthSettingsInput, healthSettings } from '../health/settings.ts';
import { STORE_LOSS_HOLD_MS } from '../health/store-loss.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import type { BudgetSettings } from '../resilience/budget.ts';
import type { CarrierPolicy } from '../resilience/settings.ts';
import { subscribeTelemetry } from '../telemetry/gateway-telemetry.ts';
import { startSignalMetrics } from '../telemetry/health-metrics.ts';
import { registerSecret } from '../telemetry/redact.ts';
import { accountAdmin } from './account-admin.ts';
import { type ReloadSource, reloadAccounts } from './account-reload.ts';
import { adminOperations } from './admin-operations.ts';
import { healthDirectory } from './health-directory.ts';
import type { CorePorts } from './ports.ts';

export interface HealthOptions {
  /** Run probes, keep-alives and alert evaluation on the runtime's timers (default true). */
  start?: boolean;
  /** Overrides of the configured settings (tests shorten intervals and windows). */
  settings?: HealthSettingsInput;
  /** Re-reads the configuration for POST /admin/credentials/reload. */
  reload?: () => Promise<ReloadSource>;
  now?: () => number;
  random?: () => number;
  webhookFetch?: typeof fetch;
  sinks?: Parameters<typeof createHealth>[0]['sinks'];
  /** How often the dashboard polls (default 2 s). */
  dashboardPollMs?: number;
}

export interface CoreOptions {
  config: GatewayConfig;
  accounts: readonly ResolvedAccount[];
  apiKeys: readonly string[];
  registry?: readonly CarrierDefinition[];
  logger?: Logger;
  /** Fallback chains for carriers the configuration does not describe (sandbox mode). */
  defaultFallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Policies that replace the configured ones (tests and benchmarks tune breakers this way). */
  policies?: Readonly<Record<string, CarrierPolicy>>;
  budget?: BudgetSettings;
  /** Timeout of one token-endpoint call (default: the broker's, 10 s). */
  tokenCallTimeoutMs?: number;
  /** Lease of a shared refresh lock (default: the token call timeout + 5 s). */
  lockTtlMs?: number;
  /** A clock for the breakers alone: they run without timers on it (tests control half-open). */
  breakerClock?: () => number;
  /** Background health monitoring; without it health is passive (scores, admin API, dashboard). */
  health?: HealthOptions;
  /** Where the carrier sends an operator back in the connect flow (default: the server's address). */
  publicBaseUrl?: string;
  /** Extra routes mounted behind the same auth and error handling. */
  extraRoutes?: (app: ApiApp) => void;
  /** The client address when the runtime knows it (caller-key watch). */
  remoteAddress?: Parameters<typeof callerObserver>[0]['remoteAddress'];
}

export interface Core {
  app: ApiApp;
  gateway: Gateway;
  broker: Broker;
  store: TokenStore;
  logger: Logger;
  health: Health;
  events: EventBus;
  close(): Promise<void>;
}

export async function composeCore(ports: CorePorts, options: CoreOptions): Promise<Core> {
  const { config } = options;
  const carriers = options.registry ?? defaultRegistry;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  for (const account of options.accounts)
    for (const value of Object.values(account.secrets)) registerSecret(value);
  for (const key of [...options.apiKeys, ...config.adminKeys]) registerSecret(key);
  const control = ports.control ?? createMemoryControlPlane();
  const events = createEventBus((error, event) =>
    logger.error('event subscriber failed', {
      event: event.type,
      errorName: error instanceof Error ? error.name : typeof error,
    }),
  );

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
  // Each carrier's calls go through pools with its own connect timeout.
  const connectMs = (carrier: string) => policies[carrier]?.timeouts.connectMs ?? 3_000;
  const carrierFetch = (carrier: string) => ports.transport.fetchFor(carrier, connectMs(carrier));
  const carrierTransport = (carrier: string) => ports.transport.transportFor(carrier, connectMs(carrier));
  const members = createMembership(control, Date.now);
  // Token-endpoint budgets are counted once for the fleet (probes spend from them too).
  const quota = createSharedTokenQuota(control.store, () => members.lastKnownCount());
  const broker =
    ports.broker ??
    createCredentialBroker({
      store: ports.tokens,
      profileOf,
      transport: ports.transport.tokenTransport,
      logger,
      events,
      quota,
      cooldowns: control.store,
      ...(options.tokenCallTimeoutMs !== undefined ? { tokenCallTimeoutMs: options.tokenCallTimeoutMs } : {}),
      ...(ports.coordinator
        ? {
            coordinator: ports.coordinator,
            ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}),
          }
        : {}),
    });
  // Accounts are fleet data: the configuration bootstraps them, the admin API changes them.
  const accounts = createAccountRegistry({
    control,
    carriers,
    now: Date.now,
    onError: (what, error) =>
      logger.error(what, { errorName: error instanceof Error ? error.name : typeof error }),
  });
  const configured = accountHealthConfigFrom(config);
  await accounts.bootstrap(
    options.accounts.map((a, i) => recordOf(a, configured(a.carrier, a.id) ?? {}, Date.now(), i)),
  );
  accounts.onChange(({ carrier, id, before, after }) => {
    // Another instance changed who the account is, or removed it: forget its tokens here.
    if (before === undefined || (after?.enabled && !credentialsChanged(before, after))) return;
    broker.forget({ carrier, account: id });
    events.emit({ type: 'credentials.dropped', carrier, account: id, reason: 'reloaded' });
  });
  if (ports.timers) accounts.start(ports.timers);
  ports.onStoreRecovered?.(() => {
    void accounts.restore().then((restored) => {
      events.emit({ type: 'store.restored', part: 'accounts', restored });
      return accounts.load();
    });
  });
  const gateway = createGateway({
    registry: carriers,
    accounts: () => accounts.accounts(),
    policies,
    broker,
    transportFor: carrierTransport,
    events,
    ...(options.budget ? { budget: options.budget } : {}),
    ...(ports.idempotency ? { idempotency: ports.idempotency } : {}),
    ...(ports.readiness ? { readiness: ports.readiness } : {}),
    breakers: {
      ...ports.breakerSync?.boardOptions,
      ...(ports.breakerDrive ? { drive: ports.breakerDrive } : {}),
      ...(options.breakerClock ? { drive: 'calls' as const, now: options.breakerClock } : {}),
    },
  });
  ports.breakerSync?.attach(gateway.board, events);
  ports.idempotency?.onWrittenBack?.((restored) =>
    events.emit({ type: 'store.restored', part: 'idempotency', restored }),
  );
  const directory = healthDirectory(gateway);
  const stopTelemetry = subscribeTelemetry({ bus: events, accounts: directory.accounts, broker, logger });

  const revocations = createRevocations({
    control,
    members,
    now: Date.now,
    forget(scope) {
      broker.forget(scope);
      events.emit({
        type: 'credentials.dropped',
        carrier: scope.carrier,
        account: scope.account,
        reason: 'revoked',
      });
    },
  });
  if (ports.timers) members.start(ports.timers);

  const settings = healthSettings(healthSettingsFromConfig(config), options.health?.settings);
  if (settings.webhook) registerSecret(settings.webhook.secret);
  const publicBaseUrl =
    options.publicBaseUrl ?? config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
  const h = options.health;
  const health = createHealth({
    bus: events,
    directory,
    board: gateway.board,
    broker,
    store: ports.tokens,
    fetchFor: carrierFetch,
    transportFor: carrierTransport,
    settings,
    accountConfig: accounts.healthConfig,
    publicBaseUrl,
    logger,
    now: h?.now,
    random: h?.random,
    webhookFetch: h?.webhookFetch,
    sinks: h?.sinks,
    announce: (scope) => revocations.announce(scope),
    quota,
    control,
    // Without timers (Workers) a request must not start work that outlives it: the Cron
    // Trigger's tick evaluates.
    eventDriven: ports.timers !== undefined,
  });

  const stopSignalMetrics = startSignalMetrics(events, {
    accounts: directory.accounts,
    healthScore: (carrier, id) => {
      const scored = health.health(carrier, id).scored;
      return scored.state === 'unknown' ? undefined : scored.score;
    },
    sharedStoreReachable: ports.readiness
      ? async () => (await ports.readiness?.())?.checks.sharedStore?.ok
      : undefined,
  });

  // What the API serves: the gateway, with /v1/carriers showing health's scores and triage.
  // /readyz says when the shared store lost data and what was written back.
  const service: GatewayService = {
    ...gateway,
    carriers: async () => gateway.describe(health.view),
    async readiness() {
      const report = await gateway.readiness();
      const loss = health.storeLoss();
      if (loss === undefined || Date.now() - loss.at > STORE_LOSS_HOLD_MS) return report;
      const { tokens, accounts: restoredAccounts, idempotency } = loss.restored;
      return {
        ...report,
        checks: {
          ...report.checks,
          storeLoss: {
            ok: true,
            detail: `the shared store lost data at ${new Date(loss.at).toISOString()}; written back: ${tokens} token(s), ${restoredAccounts} account(s), ${idempotency} label answer(s)`,
          },
        },
      };
    },
  };
  const app = createApp({
    gateway: service,
    afterAuth: [
      callerObserver({
        observe: (keyId, role, place) => health.callerWatch.observe(keyId, role, place),
        countryHeader: settings.geo.countryHeader,
        clientIpHeader: settings.geo.clientIpHeader,
        remoteAddress: options.remoteAddress,
      }),
    ],
    apiKeys: options.apiKeys,
    adminKeys: config.adminKeys,
    bodyLimitBytes: config.server.bodyLimitBytes,
    logger,
    extraRoutes: (api) => {
      mountConnect(
        api,
        connectRoutes({
          broker,
          findAccount: (carrier, id) => directory.account(carrier, id),
          profileOf,
          publicBaseUrl,
          control: control.store,
          transport: ports.transport.tokenTransport,
        }),
      );
      const reload = h?.reload;
      registerAdmin(
        api,
        adminOperations(
          health,
          reload && (() => reloadAccounts({ registry: accounts, broker, read: reload, now: Date.now })),
        ),
        logger,
      );
      registerAccountAdmin(
        api,
        accountAdmin({ registry: accounts, carriers, broker, now: Date.now }),
        logger,
      );
      registerDashboard(api, () => health.dashboard(), { pollMs: h?.dashboardPollMs ?? 2_000 });
      if (ports.metrics) {
        const scrape = ports.metrics;
        api.get(
          '/metrics',
          async () =>
            new Response(await scrape(), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
        );
      }
      options.extraRoutes?.(api);
    },
  });
  if (h !== undefined && h.start !== false && ports.timers) health.start(ports.timers);

  return {
    app,
    gateway,
    broker,
    store: ports.tokens,
    logger,
    health,
    events,
    async close() {
      await health.stop();
      accounts.stop();
      revocations.stop();
      await members.stop();
      stopTelemetry();
      stopSignalMetrics();
      await gateway.close();
      await ports.transport.close?.();
      await ports.close?.();
    },
  };
}
