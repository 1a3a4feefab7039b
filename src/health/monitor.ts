/**
 * The health monitor: schedules probes and keep-alives, evaluates scores and alert rules,
 * sends alerts to its sinks, and carries out the operator's actions (revoke, drill, reload,
 * force a breaker). Web-standard: timers and fetch only, so it runs wherever the gateway runs.
 */
import type { Context } from 'hono';
import type { ApiEnv } from '../api/env.ts';
import type { Logger } from '../api/logger.ts';
import type { Broker } from '../auth/broker.ts';
import type { TokenStore } from '../auth/types.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { AuthHealthView, CarrierAccountView, CarrierView } from '../domain/carriers-view.ts';
import type { RoutingRecord } from '../domain/shipment.ts';
import type { Gateway } from '../gateway/create.ts';
import type { HealthProvider } from '../gateway/view.ts';
import type { BreakerKind } from '../resilience/board.ts';
import { instruments } from '../telemetry/instruments.ts';
import { ATTR } from '../telemetry/names.ts';
import { registerSecret } from '../telemetry/redact.ts';
import { type AccountHealth, accountHealth, authHealthView, triageContext } from './account-health.ts';
import { alertTriage } from './alerts/alert-triage.ts';
import { createIncidents } from './alerts/incidents.ts';
import { createLogSink } from './alerts/log-sink.ts';
import { accountConditions, type Deadline } from './alerts/rules.ts';
import { type Alert, type AlertSink, type Condition, conditionKey } from './alerts/types.ts';
import { createWebhookSink } from './alerts/webhook.ts';
import { type CallerWatch, createCallerWatch } from './caller-watch.ts';
import { type InventoryEntry, inventoryEntry, type RotationPolicy } from './credentials/inventory.ts';
import { applyReload, type ReloadReport } from './credentials/reload.ts';
import {
  type RevokeAllReport,
  type RevokeOptions,
  type RevokeReport,
  revokeAccount,
  revokeAll,
} from './credentials/revoke.ts';
import type { DashboardState, FailoverRecord } from './dashboard-state.ts';
import { accountKey, type Ledger } from './ledger.ts';
import { createProber, type Prober } from './probe/runner.ts';
import type { ProbeResult } from './probe/types.ts';
import { scoreCarrier } from './score.ts';
import type { HealthSettings } from './settings.ts';

export interface AccountHealthConfig {
  probe: { enabled: boolean; intervalMs?: number | undefined };
  rotation?: RotationPolicy | undefined;
}

/** What a reload reads again: the accounts with their secrets, and their health settings. */
export interface ReloadSource {
  accounts: readonly ResolvedAccount[];
  accountConfig?: ((carrier: string, account: string) => AccountHealthConfig | undefined) | undefined;
}

export interface HealthMonitorOptions {
  ledger: Ledger;
  gateway: Gateway;
  broker: Broker;
  store: TokenStore;
  /** The live account objects (the directory's): a reload updates them in place. */
  accounts: readonly ResolvedAccount[];
  fetchFor(carrier: string): typeof fetch;
  settings: HealthSettings;
  accountConfig?: ((carrier: string, account: string) => AccountHealthConfig | undefined) | undefined;
  publicBaseUrl: string;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  webhookFetch?: typeof fetch;
  reload?: (() => Promise<ReloadSource>) | undefined;
  remoteAddress?: ((c: Context<ApiEnv>) => string | undefined) | undefined;
  /** Extra sinks (besides the log and the configured webhook). */
  sinks?: AlertSink[];
}

export class ReloadUnavailableError extends Error {
  constructor() {
    super('this gateway was not started with a reloadable configuration');
    this.name = 'ReloadUnavailableError';
  }
}

export interface HealthMonitor {
  start(): void;
  stop(): Promise<void>;
  /** Evaluates scores and alert rules now (also runs on a timer once started). */
  evaluate(): Promise<void>;
  account(carrier: string, id: string): ResolvedAccount | undefined;
  probe(carrier: string, id: string, options?: { fresh?: boolean }): Promise<ProbeResult>;
  concurrentProbe(carrier: string, id: string, instances: number): Promise<ProbeResult>;
  health(carrier: string, id: string): AccountHealth;
  readonly view: HealthProvider;
  inventory(): Promise<InventoryEntry[]>;
  revoke(carrier: string, id: string, options?: RevokeOptions): Promise<RevokeReport>;
  revokeAll(options?: { carrierRevoke?: boolean }): Promise<RevokeAllReport>;
  reload(): Promise<ReloadReport>;
  forceBreaker(carrier: string, id: string, kind: BreakerKind, state: 'open' | 'closed'): void;
  recordRouting(operation: 'rates' | 'label', routing: readonly RoutingRecord[]): void;
  alerts(): { open: Alert[]; recent: Alert[] };
  failovers(): FailoverRecord[];
  probes(): ProbeResult[];
  dashboard(): Promise<DashboardState>;
  readonly callerWatch: CallerWatch;
}

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { ledger, gateway, broker, store, settings, logger } = options;
  const { board, directory } = gateway.core;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const startedAt = now();
  let accountConfig = options.accountConfig;
  const shutdown = new AbortController();

  const definition = (carrier: string) => directory.carrier(carrier);
  const findAccount = (carrier: string, id: string) =>
    options.accounts.find((a) => a.carrier === carrier && a.id === id);
  const probeIntervalOf = (a: ResolvedAccount) =>
    accountConfig?.(a.carrier, a.id)?.probe.intervalMs ?? settings.probeIntervalMs;
  const healthDeps = {
    ledger,
    board,
    settings,
    publicBaseUrl: options.publicBaseUrl,
    fallbacksOf: (carrier: string) => directory.policy(carrier).fallbacks,
    probeIntervalOf,
  };

  const prober: Prober = createProber({
    definition,
    fetchFor: options.fetchFor,
    timeoutsFor: (carrier) => directory.policy(carrier).timeouts,
    liveBroker: broker,
    now,
    tokenCall: (account, event) => ledger.tokenCall(account.carrier, account.id, 'probe', event),
    probing: (account, on) => ledger.probing(account.carrier, account.id, on),
  });
  const latestProbe = new Map<string, ProbeResult>();
  const recentProbes: ProbeResult[] = [];
  const recentFailovers: FailoverRecord[] = [];
  const tokenInfo = new Map<string, { entry: InventoryEntry; deadlines: Deadline[] }>();

  const sinks: AlertSink[] = [createLogSink(logger), ...(options.sinks ?? [])];
  if (settings.webhook) {
    sinks.push(
      createWebhookSink({
        settings: settings.webhook,
        logger,
        signal: shutdown.signal,
        now,
        random,
        ...(options.webhookFetch ? { fetch: options.webhookFetch } : {}),
      }),
    );
  }
  const deliveries = new Set<Promise<void>>();
  function notify(alert: Alert) {
    for (const sink of sinks) {
      const p = Promise.resolve()
        .then(() => sink.send(alert))
        .catch(() => logger.error('alert sink failed', { sink: sink.name, rule: alert.rule }));
      deliveries.add(p);
      void p.finally(() => deliveries.delete(p));
    }
  }
  const incidents = createIncidents(
    { now, clearForMs: settings.clearForMs, cooldownMs: settings.cooldownMs, notify },
    settings.recentLimit,
  );
  const callerWatch = createCallerWatch({
    now,
    countryHeader: settings.geo.countryHeader,
    clientIpHeader: settings.geo.clientIpHeader,
    remoteAddress: options.remoteAddress,
    resolveAfterMs: settings.thresholds.geoResolveMs,
  });

  // A breaker opening is an event: latched until the breaker closes again.
  const breakerConditions = new Map<string, Condition>();
  board.onStateChange((change) => {
    if (shutdown.signal.aborted) return;
    const key = conditionKey('breaker_open', change.carrier, change.account, change.kind);
    if (change.state === 'open') {
      const cause = change.lastFailure?.failureClass;
      breakerConditions.set(key, {
        key,
        rule: 'breaker_open',
        severity: change.kind === 'auth' ? 'critical' : 'warning',
        carrier: change.carrier,
        account: change.account,
        subject: change.kind,
        summary: `${change.kind} breaker of ${change.carrier}/${change.account} opened${cause ? ` after ${cause} failures` : ''}: traffic fails over`,
        value: 'open',
        threshold: 'the breaker opened (weighted failures over its threshold, or forced)',
      });
    } else if (change.state === 'closed') {
      breakerConditions.delete(key);
    }
    soon();
  });

  function health(carrier: string, id: string): AccountHealth {
    const account = findAccount(carrier, id);
    if (account === undefined) throw new Error('unknown account');
    return accountHealth(
      healthDeps,
      definition(carrier),
      account,
      latestProbe.get(accountKey(carrier, id)),
      now(),
    );
  }

  async function refreshInventory(): Promise<InventoryEntry[]> {
    const at = now();
    const entries = await Promise.all(
      options.accounts.map(async (account) => {
        const activity = ledger.activity(account.carrier, account.id);
        const config = accountConfig?.(account.carrier, account.id);
        const result = await inventoryEntry({
          account,
          profile: definition(account.carrier)?.auth,
          store,
          rotation: config?.rotation,
          lastUsedAt: activity.lastUsedAt,
          idleSince: startedAt,
          refreshCount: activity.refreshCount,
          now: at,
          warnDays: settings.thresholds.expiryWarningDays,
          dormantDays: settings.thresholds.dormantDays,
        });
        tokenInfo.set(accountKey(account.carrier, account.id), result);
        return result.entry;
      }),
    );
    return entries;
  }

  async function evaluateOnce(): Promise<void> {
    ledger.prune(Math.max(settings.windowMs, settings.thresholds.lifetimeWindowMs));
    await refreshInventory();
    const at = now();
    const conditions: Condition[] = [];
    const healthByKey = new Map<string, AccountHealth>();
    for (const account of options.accounts) {
      const key = accountKey(account.carrier, account.id);
      const h = health(account.carrier, account.id);
      healthByKey.set(key, h);
      const activity = ledger.activity(account.carrier, account.id);
      conditions.push(
        ...accountConditions(
          {
            signals: h.signals,
            deadlines: tokenInfo.get(key)?.deadlines ?? [],
            lastUsedAt: activity.lastUsedAt ?? startedAt,
            warnDays: accountConfig?.(account.carrier, account.id)?.rotation?.warnDays,
          },
          settings.thresholds,
          at,
        ),
      );
    }
    conditions.push(...breakerConditions.values(), ...callerWatch.conditions());
    incidents.update(conditions, (c) => {
      const account =
        c.carrier === undefined || c.account === undefined ? undefined : findAccount(c.carrier, c.account);
      const h = account === undefined ? undefined : healthByKey.get(accountKey(account.carrier, account.id));
      const ctx =
        account === undefined ? undefined : triageContext(healthDeps, definition(account.carrier), account);
      return alertTriage(c, h, ctx);
    });
  }

  // Evaluations never overlap; a burst of triggers coalesces into one.
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  function evaluate(): Promise<void> {
    chain = chain.then(() =>
      evaluateOnce().catch((error: unknown) =>
        logger.error('health evaluation failed', {
          errorName: error instanceof Error ? error.name : typeof error,
        }),
      ),
    );
    return chain;
  }
  function soon() {
    if (queued || shutdown.signal.aborted) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      void evaluate();
    });
  }

  function remember(result: ProbeResult) {
    instruments.probeResults().add(1, {
      [ATTR.carrier]: result.carrier,
      [ATTR.account]: result.account,
      [ATTR.probeOutcome]: result.outcome,
      ...(result.failureClass ? { [ATTR.failureClass]: result.failureClass } : {}),
    });
    latestProbe.set(accountKey(result.carrier, result.account), result);
    recentProbes.unshift(result);
    if (recentProbes.length > settings.recentLimit) recentProbes.length = settings.recentLimit;
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
    soon();
  }

  // --- scheduling -----------------------------------------------------------------------
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const running = new Set<string>();
  let started = false;

  function later(ms: number, fn: () => void): void {
    if (shutdown.signal.aborted) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    // Never keep a Node process alive for monitoring (Workers timers have no unref).
    (t as { unref?: () => void }).unref?.();
    timers.add(t);
  }

  function every(ms: number, fn: () => Promise<unknown>): void {
    later(ms, () => {
      void fn()
        .catch(() => undefined)
        .finally(() => every(ms, fn));
    });
  }

  const jittered = (ms: number) =>
    ms * (1 - settings.probeJitterRatio + 2 * settings.probeJitterRatio * random());

  function scheduleProbe(account: ResolvedAccount, delayMs: number) {
    later(delayMs, () => {
      const config = accountConfig?.(account.carrier, account.id);
      if (config?.probe.enabled === false) return;
      const key = accountKey(account.carrier, account.id);
      const next = () => scheduleProbe(account, jittered(probeIntervalOf(account)));
      if (running.has(key)) return next();
      running.add(key);
      void prober
        .probe(account, { kind: 'scheduled' })
        .then(remember)
        .catch(() => undefined)
        .finally(() => {
          running.delete(key);
          next();
        });
    });
  }

  const view: HealthProvider = {
    account: (carrier, id): AuthHealthView => authHealthView(health(carrier, id)),
    carrier(carrier): CarrierView['health'] {
      const scored = directory.accounts(carrier).map((a) => health(carrier, a.id).scored);
      const c = scoreCarrier(scored);
      return { state: c.state, ...(c.score !== undefined ? { score: c.score } : {}) };
    },
    token(carrier, id): CarrierAccountView['token'] {
      const primary = tokenInfo.get(accountKey(carrier, id))?.entry.tokens.find((t) => t.name === 'primary');
      if (primary === undefined) return undefined;
      return {
        cached: primary.cached,
        ...(primary.cached && primary.expiresAt ? { expiresAt: primary.expiresAt } : {}),
      };
    },
  };

  const revokeDeps = {
    broker,
    store,
    profileOf: (carrier: string) => definition(carrier)?.auth,
    fetchFor: options.fetchFor,
    now,
  };

  function mustFind(carrier: string, id: string): ResolvedAccount {
    const account = findAccount(carrier, id);
    if (account === undefined) throw new Error('unknown account');
    return account;
  }

  return {
    callerWatch,
    view,
    health,
    evaluate,
    account: findAccount,

    start() {
      if (started || shutdown.signal.aborted) return;
      started = true;
      every(settings.evaluateIntervalMs, evaluate);
      every(settings.keepAliveIntervalMs, () => broker.keepAlive());
      for (const account of options.accounts) {
        if (accountConfig?.(account.carrier, account.id)?.probe.enabled === false) continue;
        // Spread the first probes over one interval so accounts never probe in lockstep.
        scheduleProbe(account, probeIntervalOf(account) * random());
      }
      void evaluate();
    },

    async stop() {
      shutdown.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await chain;
      // In-flight webhook deliveries stop their retries on the abort; give them a moment.
      await Promise.race([Promise.allSettled([...deliveries]), new Promise((r) => setTimeout(r, 2_000))]);
    },

    async probe(carrier, id, opts = {}) {
      const result = await prober.probe(mustFind(carrier, id), { kind: 'on_demand', ...opts });
      remember(result);
      return result;
    },

    async concurrentProbe(carrier, id, instances) {
      const result = await prober.concurrent(mustFind(carrier, id), instances);
      remember(result);
      return result;
    },

    inventory: refreshInventory,

    async revoke(carrier, id, opts) {
      const account = mustFind(carrier, id);
      const report = await revokeAccount(revokeDeps, account, opts);
      prober.forget(account);
      ledger.tokensDropped(carrier, id);
      soon();
      return report;
    },

    async revokeAll(opts = {}) {
      const report = await revokeAll(revokeDeps, options.accounts, opts);
      prober.forget();
      ledger.tokensDropped();
      soon();
      return report;
    },

    async reload() {
      if (options.reload === undefined) throw new ReloadUnavailableError();
      const source = await options.reload();
      const report = applyReload(options.accounts, source.accounts, registerSecret);
      for (const changed of report.changed) {
        const account = mustFind(changed.carrier, changed.account);
        // New secrets take effect now: drop tokens and cooldowns earned with the old ones.
        await broker.invalidate(account);
        prober.forget(account);
        ledger.tokensDropped(changed.carrier, changed.account);
      }
      if (source.accountConfig) accountConfig = source.accountConfig;
      soon();
      return report;
    },

    forceBreaker(carrier, id, kind, state) {
      mustFind(carrier, id);
      const breaker = board.for(carrier, id)[kind];
      if (state === 'open') breaker.forceOpen();
      else breaker.forceClose();
    },

    recordRouting(operation, routing) {
      for (const r of routing) {
        if (!r.failedOver) continue;
        const first = r.attempts.find((a) => a.outcome !== 'success');
        recentFailovers.unshift({
          at: new Date(now()).toISOString(),
          operation,
          requested: r.requested,
          servedBy: r.servedBy,
          ...(first?.class ? { reason: first.class } : {}),
        });
      }
      if (recentFailovers.length > settings.recentLimit) recentFailovers.length = settings.recentLimit;
    },

    alerts: () => ({ open: incidents.open(), recent: incidents.recent() }),
    failovers: () => [...recentFailovers],
    probes: () => [...recentProbes],

    async dashboard(): Promise<DashboardState> {
      await refreshInventory();
      return {
        generatedAt: new Date(now()).toISOString(),
        carriers: directory.enabled().map((carrier) => {
          const accounts = directory.accounts(carrier.id).map((account) => {
            const h = health(carrier.id, account.id);
            const info = tokenInfo.get(accountKey(carrier.id, account.id));
            const probe = h.signals.probe;
            const breakers = board.for(carrier.id, account.id);
            return {
              id: account.id,
              environment: account.environment,
              state: h.scored.state,
              ...(h.scored.state === 'unknown' ? {} : { score: h.scored.score }),
              classification: h.triage.classification,
              ...(h.triage.failureClass ? { failureClass: h.triage.failureClass } : {}),
              runbook: h.triage.runbook,
              penalties: h.scored.penalties,
              breakers: { auth: breakers.auth.state, api: breakers.api.state },
              ...(probe
                ? {
                    probe: {
                      at: new Date(probe.at).toISOString(),
                      outcome: probe.outcome,
                      latencyMs: probe.latencyMs,
                      ...(probe.failureClass ? { class: probe.failureClass } : {}),
                    },
                  }
                : {}),
              tokens: (info?.entry.tokens ?? [])
                .filter((t) => t.cached)
                .map((t) => ({
                  name: t.name,
                  issuedAt: t.issuedAt,
                  expiresAt: t.expiresAt,
                  ...(t.refreshTokenExpiresAt ? { refreshTokenExpiresAt: t.refreshTokenExpiresAt } : {}),
                })),
              ...(info?.entry.lastUsedAt ? { lastUsedAt: info.entry.lastUsedAt } : {}),
            };
          });
          const c = scoreCarrier(accounts.map((a) => health(carrier.id, a.id).scored));
          return {
            id: carrier.id,
            name: carrier.displayName,
            state: c.state,
            ...(c.score !== undefined ? { score: c.score } : {}),
            accounts,
          };
        }),
        alerts: { open: incidents.open(), recent: incidents.recent() },
        failovers: [...recentFailovers],
      };
    },
  };
}
