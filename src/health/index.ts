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
import type { EventBus } from '../events/bus.ts';
import type { HealthProvider } from '../gateway/view.ts';
import type { Logger } from '../log/logger.ts';
import type { BreakerBoard } from '../resilience/board.ts';
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
import { createEvaluator } from './evaluator.ts';
import { createFailoverLog } from './failovers.ts';
import { createInventoryBook } from './inventory-book.ts';
import { createLedger } from './ledger.ts';
import { feedLedger } from './ledger-feed.ts';
import { createProbeBook } from './probe/book.ts';
import { createProber, type ProbeOptions } from './probe/runner.ts';
import { createProbeScheduler } from './probe/scheduler.ts';
import type { ProbeResult } from './probe/types.ts';
import { createMemorySeries, feedSeries, type HealthSeries } from './series.ts';
import type { HealthSettings } from './settings.ts';
import { type StoreLoss, watchStoreLoss } from './store-loss.ts';

export { UnknownAccountError } from './actions.ts';
export type { AccountConfigLookup, AccountHealthConfig, HealthDirectory } from './context.ts';

/** How Node runs due work later (an unref'd timer); returns the cancellation. */
export interface Timers {
  after(ms: number, run: () => void): () => void;
}

export interface HealthDeps {
  bus: EventBus;
  directory: HealthDirectory;
  board: BreakerBoard;
  broker: Broker;
  store: TokenStore;
  fetchFor(carrier: string): typeof fetch;
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
  const accountConfig = deps.accountConfig;
  const ctx: HealthContext = {
    directory: deps.directory,
    board: deps.board,
    ledger: createLedger(now),
    settings,
    accountConfig: () => accountConfig,
    publicBaseUrl: deps.publicBaseUrl,
    now,
    random,
    startedAt: now(),
  };
  const series = deps.series ?? createMemorySeries();
  const unsubscribe = [feedLedger(bus, ctx.ledger), feedSeries(bus, series, now)];
  const book = createProbeBook(bus, settings.recentLimit);
  const prober = createProber({
    definition: (carrier) => deps.directory.carrier(carrier),
    fetchFor: deps.fetchFor,
    timeoutsFor: (carrier) => deps.directory.policy(carrier).timeouts,
    liveBroker: deps.broker,
    now,
    events: bus,
    ...(deps.quota ? { quota: deps.quota } : {}),
    probing: (account, on) => ctx.ledger.probing(account.carrier, account.id, on),
  });
  // Tokens dropped anywhere in the fleet (a revocation, a reload): probe tokens go too.
  unsubscribe.push(
    bus.on('credentials.dropped', (dropped) => {
      for (const account of deps.directory.accounts()) {
        if (dropped.carrier !== undefined && account.carrier !== dropped.carrier) continue;
        if (dropped.account !== undefined && account.id !== dropped.account) continue;
        prober.forget(account);
      }
    }),
  );
  const inventory = createInventoryBook(ctx, deps.store);
  const callerWatch = createCallerWatch({ now, resolveAfterMs: settings.thresholds.geoResolveMs });
  const notifier = createNotifier({
    settings,
    logger,
    signal: shutdown.signal,
    now,
    random,
    webhookFetch: deps.webhookFetch,
    sinks: deps.sinks,
  });
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
  });
  const failovers = createFailoverLog(bus, now, settings.recentLimit);
  unsubscribe.push(failovers.stop);
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
    onResult(result) {
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
      evaluator.soon();
    },
  });
  const actions = createOperatorActions({
    ctx,
    broker: deps.broker,
    store: deps.store,
    fetchFor: deps.fetchFor,
    announce: deps.announce,
    changed: () => evaluator.soon(),
  });

  let evaluateDueAt = now();
  let keepAliveDueAt = now() + settings.keepAliveIntervalMs;
  const work = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const settled = p.catch(() => undefined);
    work.add(settled);
    void settled.finally(() => work.delete(settled));
  };

  function tick(): Promise<void> {
    if (!running()) return Promise.resolve();
    const at = now();
    const jobs: Promise<unknown>[] = [scheduler.runDue()];
    if (at >= evaluateDueAt) {
      evaluateDueAt = at + settings.evaluateIntervalMs;
      jobs.push(evaluator.evaluate());
    }
    if (at >= keepAliveDueAt) {
      keepAliveDueAt = at + settings.keepAliveIntervalMs;
      jobs.push(deps.broker.keepAlive());
    }
    for (const job of jobs) track(job);
    return Promise.allSettled(jobs).then(() => undefined);
  }

  let cancel: (() => void) | undefined;
  function nextDelay(): number {
    const at = now();
    const due = [evaluateDueAt, keepAliveDueAt, scheduler.nextDueAt() ?? Number.POSITIVE_INFINITY];
    return Math.min(Math.max(0, Math.min(...due) - at), settings.evaluateIntervalMs);
  }
  function loop(timers: Timers): void {
    if (!running()) return;
    cancel = timers.after(nextDelay(), () => {
      // Probes may be slow: later due work does not wait for them (a probe never runs twice at once).
      void tick();
      loop(timers);
    });
  }

  return {
    storeLoss: storeLoss.last,
    view: evaluator.view,
    callerWatch,
    actions,
    account: (carrier, id) => deps.directory.account(carrier, id),
    health: evaluator.health,
    evaluate: evaluator.evaluate,
    tick,
    start(timers) {
      if (cancel !== undefined || !running()) return;
      void evaluator.evaluate();
      evaluateDueAt = now() + settings.evaluateIntervalMs;
      loop(timers);
    },
    async settle(maxWaitMs) {
      await Promise.allSettled([...work]);
      await evaluator.settled();
      await notifier.drain(maxWaitMs);
    },
    async stop() {
      shutdown.abort();
      cancel?.();
      for (const stop of unsubscribe) stop();
      await Promise.allSettled([...work]);
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
