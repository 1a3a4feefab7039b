/**
 * The signal evaluator: scores and triage per account (from the ledger, the breakers and the
 * latest probe), alert rules, and the incidents they open and resolve. A breaker opening is
 * an event: its condition is latched until the breaker closes again. Evaluations never
 * overlap; a burst of triggers coalesces into one.
 */
import type { AuthHealthView, CarrierAccountView, CarrierView } from '../domain/carriers-view.ts';
import type { EventBus } from '../events/bus.ts';
import type { BreakerChangedEvent } from '../events/types.ts';
import type { HealthProvider } from '../gateway/view.ts';
import type { Logger } from '../log/logger.ts';
import { type AccountHealth, accountHealth, authHealthView, triageContext } from './account-health.ts';
import { alertTriage } from './alerts/alert-triage.ts';
import { createIncidents } from './alerts/incidents.ts';
import type { Notifier } from './alerts/notifier.ts';
import { accountConditions } from './alerts/rules.ts';
import { type Alert, type Condition, conditionKey } from './alerts/types.ts';
import type { CallerWatch } from './caller-watch.ts';
import { accountHealthDeps, type HealthContext } from './context.ts';
import type { FleetHealth } from './fleet/index.ts';
import type { InventoryBook } from './inventory-book.ts';
import { accountKey } from './ledger.ts';
import type { ProbeBook } from './probe/book.ts';
import { scoreCarrier } from './score.ts';
import type { StoreLossWatch } from './store-loss.ts';

export interface EvaluatorDeps {
  ctx: HealthContext;
  bus: EventBus;
  probes: ProbeBook;
  inventory: InventoryBook;
  callerWatch: CallerWatch;
  storeLoss: StoreLossWatch;
  notifier: Notifier;
  logger: Logger;
  /** The fleet's shared monitoring (absent for one process alone). */
  fleet?: FleetHealth | undefined;
  /**
   * Events (a probe result, a breaker change) trigger an evaluation soon (default). Off where
   * work must not outlive the request that started it (Workers): only `tick` evaluates there.
   */
  eventDriven?: boolean | undefined;
  /** False once health stops: late events no longer trigger evaluations. */
  running(): boolean;
}

export interface Evaluator {
  /** Evaluates scores and alert rules now. */
  evaluate(): Promise<void>;
  /** Evaluates once more, soon (coalesced). */
  soon(): void;
  health(carrier: string, id: string): AccountHealth;
  readonly view: HealthProvider;
  alerts(): { open: Alert[]; recent: Alert[] };
  /** Resolves once the evaluation under way (if any) finished. */
  settled(): Promise<void>;
}

function breakerCondition(change: BreakerChangedEvent): Condition {
  const key = conditionKey('breaker_open', change.carrier, change.account, change.kind);
  const cause = change.lastFailure?.failureClass;
  return {
    key,
    rule: 'breaker_open',
    severity: change.kind === 'auth' ? 'critical' : 'warning',
    carrier: change.carrier,
    account: change.account,
    subject: change.kind,
    summary: `${change.kind} breaker of ${change.carrier}/${change.account} opened${cause ? ` after ${cause} failures` : ''}: traffic fails over`,
    value: 'open',
    threshold: 'the breaker opened (weighted failures over its threshold, or forced)',
  };
}

export function createEvaluator(deps: EvaluatorDeps): Evaluator {
  const { ctx, probes, inventory, logger, fleet } = deps;
  const { directory, settings } = ctx;
  const healthDeps = {
    ...accountHealthDeps(ctx),
    ...(fleet
      ? { fleet: (carrier: string, id: string) => fleet.signals.others(accountKey(carrier, id)) }
      : {}),
  };
  const incidents =
    fleet?.incidents ??
    createIncidents(
      {
        now: ctx.now,
        clearForMs: settings.clearForMs,
        cooldownMs: settings.cooldownMs,
        notify: (alert) => deps.notifier.notify(alert),
      },
      settings.recentLimit,
    );

  const breakerConditions = new Map<string, Condition>();
  deps.bus.on('breaker.changed', (change) => {
    if (!deps.running()) return;
    const condition = breakerCondition(change);
    if (change.state === 'open') breakerConditions.set(condition.key, condition);
    else if (change.state === 'closed') breakerConditions.delete(condition.key);
    soon();
  });

  function health(carrier: string, id: string): AccountHealth {
    const account = directory.account(carrier, id);
    if (account === undefined) throw new Error('unknown account');
    return accountHealth(
      healthDeps,
      directory.carrier(carrier),
      account,
      probes.latest(carrier, id),
      ctx.now(),
    );
  }

  async function evaluateOnce(): Promise<void> {
    ctx.ledger.prune(Math.max(settings.windowMs, settings.thresholds.lifetimeWindowMs));
    await readFleet();
    await inventory.refresh();
    const at = ctx.now();
    const conditions: Condition[] = [];
    const healthByKey = new Map<string, AccountHealth>();
    for (const account of directory.accounts()) {
      const key = accountKey(account.carrier, account.id);
      const h = health(account.carrier, account.id);
      healthByKey.set(key, h);
      conditions.push(
        ...accountConditions(
          {
            signals: h.signals,
            deadlines: inventory.info(account.carrier, account.id)?.deadlines ?? [],
            lastUsedAt: ctx.lastUsedAt(account.carrier, account.id) ?? ctx.idleSince(),
            warnDays: ctx.accountConfig()?.(account.carrier, account.id)?.rotation?.warnDays,
          },
          settings.thresholds,
          at,
        ),
      );
    }
    conditions.push(
      ...breakerConditions.values(),
      ...deps.callerWatch.conditions(),
      ...deps.storeLoss.conditions(at),
    );
    await shareWithFleet(healthByKey);
    await incidents.update(conditions, (c) => {
      const account =
        c.carrier === undefined || c.account === undefined
          ? undefined
          : directory.account(c.carrier, c.account);
      const h = account === undefined ? undefined : healthByKey.get(accountKey(account.carrier, account.id));
      const triage =
        account === undefined
          ? undefined
          : triageContext(healthDeps, directory.carrier(account.carrier), account);
      return alertTriage(c, h, triage);
    });
  }

  /** The fleet's latest: an unreachable store leaves the last view read (logged once per outage). */
  let fleetUnreachable = false;
  async function readFleet(): Promise<void> {
    if (fleet === undefined) return;
    try {
      await fleet.refresh(probes);
      fleetUnreachable = false;
    } catch (error) {
      if (!fleetUnreachable)
        logger.warn('fleet health unreachable: judging with the last view read', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
      fleetUnreachable = true;
    }
  }
  async function shareWithFleet(healthByKey: ReadonlyMap<string, AccountHealth>): Promise<void> {
    if (fleet === undefined || fleetUnreachable) return;
    const own = new Map([...healthByKey].map(([key, h]) => [key, h.own] as const));
    await fleet.publish(own).catch(() => undefined);
  }

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
  function soon(): void {
    if (queued || !deps.running() || deps.eventDriven === false) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      void evaluate();
    });
  }

  const view = healthView(directory, inventory, health);

  return {
    evaluate,
    soon,
    health,
    view,
    alerts: () => ({ open: incidents.open(), recent: incidents.recent() }),
    settled: () => chain,
  };
}

/** What /v1/carriers shows of health: scores, triage and the cached token's dates. */
function healthView(
  directory: HealthContext['directory'],
  inventory: InventoryBook,
  health: (carrier: string, id: string) => AccountHealth,
): HealthProvider {
  return {
    account: (carrier, id): AuthHealthView => authHealthView(health(carrier, id)),
    carrier(carrier): CarrierView['health'] {
      const scored = directory.accountsOf(carrier).map((a) => health(carrier, a.id).scored);
      const c = scoreCarrier(scored);
      return { state: c.state, ...(c.score !== undefined ? { score: c.score } : {}) };
    },
    token(carrier, id): CarrierAccountView['token'] {
      const primary = inventory.info(carrier, id)?.entry.tokens.find((t) => t.name === 'primary');
      if (primary === undefined) return undefined;
      return {
        cached: primary.cached,
        ...(primary.cached && primary.expiresAt ? { expiresAt: primary.expiresAt } : {}),
      };
    },
  };
}
