/**
 * Health: probes, signals, scores, alerts and the operator's actions, assembled from their
 * parts. It hears the gateway only through the event stream and reads breakers and the
 * directory; it knows nothing of HTTP (the composition mounts the admin routes on it).
 *
 * All periodic work is "due work": `tick()` does whatever is due now (probes, evaluation,
 * refresh-token keep-alive). On Node `start()` drives it with timers; on Workers a Cron
 * Trigger calls `tick()`.
 */
import type { AccountScope, Broker } from '../auth/broker.ts';
import type { TokenQuota } from '../auth/quota.ts';
import type { AnnounceReport } from '../auth/revocations.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { ControlPlane } from '../control/types.ts';
import type { EventBus } from '../events/bus.ts';
import type { HealthProvider } from '../gateway/view.ts';
import type { Logger } from '../log/logger.ts';
import type { BreakerBoard } from '../resilience/board.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';
import type { AccountHealth } from './account-health.ts';
import { createOperatorActions, type OperatorActions } from './actions.ts';
import { createNotifier } from './alerts/notifier.ts';
import type { Alert, AlertSink } from './alerts/types.ts';
import { type CallerWatch, createCallerWatch } from './caller-watch.ts';
import {
  type AccountConfigLookup,
  type HealthContext,
  type HealthDirectory,
  probeIntervalOf,
} from './context.ts';
import type { InventoryEntry } from './credentials/inventory.ts';
import { dashboardState } from './dashboard.ts';
import type { DashboardState, FailoverRecord } from './dashboard-state.ts';
import { createDueWork, type Timers } from './due-work.ts';
import { createEvaluator } from './evaluator.ts';
import { createFailoverLog } from './failovers.ts';
import { createFleetHealth, type FleetHealth } from './fleet/index.ts';
import { createInventoryBook } from './inventory-book.ts';
import { accountKey, createLedger } from './ledger.ts';
import { feedLedger } from './ledger-feed.ts';
import { createProbeBook, type ProbeBook } from './probe/book.ts';
import { createProber, type ProbeOptions } from './probe/runner.ts';
import { createProbeScheduler, type ProbeScheduler } from './probe/scheduler.ts';
import type { ProbeResult } from './probe/types.ts';
import { createMemorySeries, feedSeries, type HealthSeries } from './series.ts';
import type { HealthSettings } from './settings.ts';
import { type StoreLoss, watchStoreLoss } from './store-loss.ts';

export { UnknownAccountError } from './actions.ts';
export type { AccountConfigLookup, AccountHealthConfig, HealthDirectory } from './context.ts';

export type { Timers } from './due-work.ts';

export interface HealthDeps {
  bus: EventBus;
  directory: HealthDirectory;
  board: BreakerBoard;
  broker: Broker;
  store: TokenStore;
  fetchFor(carrier: string): typeof fetch;
  /** The carrier API transport the probes' light calls go through. */
  transportFor(carrier: string): UpstreamTransport;
  settings: HealthSettings;
  accountConfig?: AccountConfigLookup | undefined;
  publicBaseUrl: string;
  logger: Logger;
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
  webhookFetch?: typeof fetch | undefined;
  sinks?: readonly AlertSink[] | undefined;
  /** Tells every instance to forget a scope's tokens (fleet revocation); resolves with acknowledgements. */
  announce(scope: AccountScope): Promise<AnnounceReport>;
  /** The fleet's token-call allowance, which probes spend from too. */
  quota?: TokenQuota | undefined;
  /** The per-minute history of each account (memory by default; a shared one for a fleet). */
  series?: HealthSeries | undefined;
  /**
   * The fleet's control plane: signals, probes, incidents and last use are shared through it
   * (one probe per account and interval, one notification per incident). A process-local
   * plane, or none, keeps health to this process.
   */
  control?: ControlPlane | undefined;
  /** Events trigger evaluations (default); off on Workers, where only `tick` evaluates. */
  eventDriven?: boolean | undefined;
}

export interface Health {
  /** The last time the shared store lost data, and what this instance wrote back. */
  storeLoss(): StoreLoss | undefined;
  readonly view: HealthProvider;
  readonly callerWatch: CallerWatch;
  readonly actions: OperatorActions;
  account(carrier: string, id: string): ResolvedAccount | undefined;
  health(carrier: string, id: string): AccountHealth;
  evaluate(): Promise<void>;
  /** Does whatever is due now: probes, evaluation, keep-alive. */
  tick(): Promise<void>;
  /** Drives `tick` with timers (Node). */
  start(timers: Timers): void;
  /**
   * Waits for the work `tick` started to finish, alert deliveries included (at most
   * `maxWaitMs` for those): a Cron Trigger keeps its event alive until then (Workers).
   */
  settle(maxWaitMs: number): Promise<void>;
  stop(): Promise<void>;
  probe(carrier: string, id: string, options?: ProbeOptions): Promise<ProbeResult>;
  concurrentProbe(carrier: string, id: string, instances: number): Promise<ProbeResult>;
  inventory(): Promise<InventoryEntry[]>;
  alerts(): { open: Alert[]; recent: Alert[] };
  failovers(): FailoverRecord[];
  probes(): ProbeResult[];
  dashboard(): Promise<DashboardState>;
}

export function createHealth(deps: HealthDeps): Health {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const { settings, logger, bus } = deps;
  const shutdown = new AbortController();
  const running = () => !shutdown.signal.aborted;
  const notifier = createNotifier({
    settings,
    logger,
    signal: shutdown.signal,
    now,
    random,
    webhookFetch: deps.webhookFetch,
    sinks: deps.sinks,
  });
  const fleet: FleetHealth | undefined =
    deps.control === undefined || deps.control.local
      ? undefined
      : createFleetHealth(deps.control, { settings, now, logger, notify: (alert) => notifier.notify(alert) });
  const ctx = healthContext(deps, fleet, now, random);
  const series = deps.series ?? createMemorySeries();
  const unsubscribe = [feedLedger(bus, ctx.ledger), feedSeries(bus, series, now)];
  const book = createProbeBook(bus, settings.recentLimit);
  const inventory = createInventoryBook(ctx, deps.store);
  const callerWatch = createCallerWatch({ now, resolveAfterMs: settings.thresholds.geoResolveMs });
  const storeLoss = watchStoreLoss(bus, now);
  unsubscribe.push(storeLoss.stop);
  const evaluator = createEvaluator({
    ctx,
    bus,
    storeLoss,
    probes: book,
    inventory,
    callerWatch,
    notifier,
    logger,
    running,
    fleet,
    eventDriven: deps.eventDriven,
  });
  const failovers = createFailoverLog(bus, now, settings.recentLimit);
  unsubscribe.push(failovers.stop);
  const probing = createProbing(deps, ctx, book, fleet, () => evaluator.soon());
  unsubscribe.push(probing.stop);
  const { scheduler } = probing;
  const actions = createOperatorActions({
    ctx,
    broker: deps.broker,
    store: deps.store,
    fetchFor: deps.fetchFor,
    announce: deps.announce,
    changed: () => evaluator.soon(),
  });

  const due = createDueWork(
    {
      probes: () => scheduler.runDue(),
      nextProbeAt: () => scheduler.nextDueAt(),
      evaluate: () => evaluator.evaluate(),
      keepAlive: () => deps.broker.keepAlive(),
    },
    settings,
    now,
    running,
  );

  return {
    storeLoss: storeLoss.last,
    view: evaluator.view,
    callerWatch,
    actions,
    account: (carrier, id) => deps.directory.account(carrier, id),
    health: evaluator.health,
    evaluate: evaluator.evaluate,
    tick: due.tick,
    start: due.start,
    async settle(maxWaitMs) {
      await due.settled();
      await evaluator.settled();
      await notifier.drain(maxWaitMs);
    },
    async stop() {
      shutdown.abort();
      for (const stop of unsubscribe) stop();
      await due.stop();
      await evaluator.settled();
      // In-flight webhook deliveries stop their retries on the abort; give them a moment.
      await notifier.drain(2_000);
    },
    probe(carrier, id, options) {
      const account = deps.directory.account(carrier, id);
      if (account === undefined) throw new Error('unknown account');
      return scheduler.probe(account, options);
    },
    concurrentProbe(carrier, id, instances) {
      const account = deps.directory.account(carrier, id);
      if (account === undefined) throw new Error('unknown account');
      return scheduler.concurrent(account, instances);
    },
    inventory: () => inventory.refresh(),
    alerts: evaluator.alerts,
    failovers: failovers.recent,
    probes: book.recent,
    dashboard: () => dashboardState({ ctx, evaluator, inventory, failovers, series }),
  };
}

function healthContext(
  deps: HealthDeps,
  fleet: FleetHealth | undefined,
  now: () => number,
  random: () => number,
): HealthContext {
  const startedAt = now();
  const ledger = createLedger(now);
  return {
    directory: deps.directory,
    board: deps.board,
    ledger,
    settings: deps.settings,
    accountConfig: () => deps.accountConfig,
    publicBaseUrl: deps.publicBaseUrl,
    now,
    random,
    lastUsedAt(carrier, id) {
      const local = ledger.activity(carrier, id).lastUsedAt;
      const shared = fleet?.lastUse.lastUsedAt(accountKey(carrier, id));
      return local === undefined || shared === undefined ? (local ?? shared) : Math.max(local, shared);
    },
    // An account never used is idle since the fleet started watching, not since this restart.
    idleSince: () => Math.min(startedAt, fleet?.lastUse.since() ?? startedAt),
  };
}

/** The prober and its schedule: one probe per account and interval (per fleet, when shared). */
function createProbing(
  deps: HealthDeps,
  ctx: HealthContext,
  book: ProbeBook,
  fleet: FleetHealth | undefined,
  changed: () => void,
): { scheduler: ProbeScheduler; stop(): void } {
  const { bus, logger, settings } = deps;
  const { now, random } = ctx;
  const accountConfig = deps.accountConfig;
  const prober = createProber({
    definition: (carrier) => deps.directory.carrier(carrier),
    fetchFor: deps.fetchFor,
    transportFor: deps.transportFor,
    timeoutsFor: (carrier) => deps.directory.policy(carrier).timeouts,
    liveBroker: deps.broker,
    now,
    events: bus,
    ...(deps.quota ? { quota: deps.quota } : {}),
    probing: (account, on) => ctx.ledger.probing(account.carrier, account.id, on),
  });
  // Tokens dropped anywhere in the fleet (a revocation, a reload): probe tokens go too.
  const dropProbeTokens = bus.on('credentials.dropped', (dropped) => {
    for (const account of deps.directory.accounts()) {
      if (dropped.carrier !== undefined && account.carrier !== dropped.carrier) continue;
      if (dropped.account !== undefined && account.id !== dropped.account) continue;
      prober.forget(account);
    }
  });
  const scheduler = createProbeScheduler({
    accounts: () => deps.directory.accounts(),
    prober,
    book,
    settings,
    policyOf: (account) => ({
      enabled: accountConfig?.(account.carrier, account.id)?.probe.enabled !== false,
      intervalMs: probeIntervalOf(ctx, account),
    }),
    now,
    random,
    // A store that cannot answer does not stop probing: better twice than never.
    ...(fleet
      ? {
          claim: (a, interval, gap) =>
            fleet.probes.claim(a, interval, gap).catch(() => ({ ok: true as const })),
        }
      : {}),
    async onResult(result) {
      // Awaited: on Workers nothing may outlive the event that probed.
      if (fleet) await fleet.probes.share(result).catch(() => undefined);
      if (result.outcome !== 'pass') {
        logger.warn('probe did not pass', {
          carrier: result.carrier,
          account: result.account,
          outcome: result.outcome,
          failureClass: result.failureClass,
          code: result.code,
          latencyMs: result.latencyMs,
        });
      }
      changed();
    },
  });
  return { scheduler, stop: dropProbeTokens };
}
