/**
 * Plugs health monitoring into a composed gateway: the ledger hooks (before the broker and
 * gateway exist), then the monitor, its admin routes, dashboard and key-usage watch. The
 * Node composition root calls this; a Workers entry can do the same.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiApp, ApiEnv } from '../api/env.ts';
import type { Logger } from '../api/logger.ts';
import { registerAdmin } from '../api/routes/admin.ts';
import { registerDashboard } from '../api/routes/admin-dashboard.ts';
import type { Broker } from '../auth/broker.ts';
import type { BrokerHooks } from '../auth/hooks.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { Gateway } from '../gateway/create.ts';
import type { GatewayService } from '../gateway/service.ts';
import type { HealthProvider } from '../gateway/view.ts';
import { registerSecret } from '../telemetry/redact.ts';
import type { UpstreamObserver } from '../upstream/client.ts';
import type { AlertSink } from './alerts/types.ts';
import { peerAddressFromBindings } from './caller-watch.ts';
import { accountHealthConfigFrom, healthSettingsFromConfig } from './from-config.ts';
import { createLedger, type Ledger } from './ledger.ts';
import { createHealthMonitor, type HealthMonitor, type ReloadSource } from './monitor.ts';
import { observeRouting } from './routing-log.ts';
import { type HealthSettingsInput, healthSettings } from './settings.ts';
import { ledgerHooks, ledgerObserver } from './wiring.ts';

export { combineHooks } from './wiring.ts';

export interface HealthComposeOptions {
  /** Run probes, keep-alives and alert evaluation in the background (default true). */
  start?: boolean;
  /** Overrides of the configured settings (tests shorten intervals and windows). */
  settings?: HealthSettingsInput;
  /** Re-reads the configuration for POST /admin/credentials/reload. */
  reload?: () => Promise<ReloadSource>;
  now?: () => number;
  random?: () => number;
  webhookFetch?: typeof fetch;
  sinks?: AlertSink[];
  /** How often the dashboard polls (default 2 s). */
  dashboardPollMs?: number;
  /** The client address when the runtime knows it (default: Node adapter bindings). */
  remoteAddress?: (c: Context<ApiEnv>) => string | undefined;
}

export interface HealthWiring {
  ledger: Ledger;
  hooks: BrokerHooks;
  observer: UpstreamObserver;
  /** Late-bound: undefined until the monitor exists. */
  view(): HealthProvider | undefined;
  attach(deps: AttachDeps): AttachedHealth;
}

export interface AttachDeps {
  gateway: Gateway;
  broker: Broker;
  store: TokenStore;
  accounts: readonly ResolvedAccount[];
  config: GatewayConfig;
  fetchFor(carrier: string): typeof fetch;
  publicBaseUrl: string;
  logger: Logger;
}

export interface AttachedHealth {
  monitor: HealthMonitor;
  /** The service the API serves: the gateway, with failovers reported to the monitor. */
  service: GatewayService;
  afterAuth: MiddlewareHandler<ApiEnv>[];
  routes(app: ApiApp): void;
  /** Starts background monitoring unless the options said not to. */
  startIfWanted(): void;
}

/**
 * `options` undefined: the monitor is passive (scores, admin API and dashboard work; no
 * background probes or alert evaluation), which is what most tests want.
 */
export function createHealthWiring(options?: HealthComposeOptions): HealthWiring {
  const now = options?.now ?? Date.now;
  const ledger = createLedger(now);
  let monitor: HealthMonitor | undefined;
  return {
    ledger,
    hooks: ledgerHooks(ledger),
    observer: ledgerObserver(ledger),
    view: () => monitor?.view,
    attach(deps) {
      const settings = healthSettings(healthSettingsFromConfig(deps.config), options?.settings);
      if (settings.webhook) registerSecret(settings.webhook.secret);
      monitor = createHealthMonitor({
        ledger,
        gateway: deps.gateway,
        broker: deps.broker,
        store: deps.store,
        accounts: deps.accounts,
        fetchFor: deps.fetchFor,
        settings,
        accountConfig: accountHealthConfigFrom(deps.config),
        publicBaseUrl: deps.publicBaseUrl,
        logger: deps.logger,
        now,
        remoteAddress: options?.remoteAddress ?? peerAddressFromBindings,
        ...(options?.random ? { random: options.random } : {}),
        ...(options?.webhookFetch ? { webhookFetch: options.webhookFetch } : {}),
        ...(options?.reload ? { reload: options.reload } : {}),
        ...(options?.sinks ? { sinks: options.sinks } : {}),
      });
      const m = monitor;
      return {
        monitor: m,
        service: observeRouting(deps.gateway, (op, routing) => m.recordRouting(op, routing)),
        afterAuth: [m.callerWatch.middleware],
        routes(app) {
          registerAdmin(app, m, deps.logger);
          registerDashboard(app, m, { pollMs: options?.dashboardPollMs ?? 2_000 });
        },
        startIfWanted() {
          if (options !== undefined && options.start !== false) m.start();
        },
      };
    },
  };
}
