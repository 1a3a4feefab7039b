/** The dashboard's state: every account's score, triage, breakers, probe and tokens; alerts; failovers. */
import type { HealthContext } from './context.ts';
import { historyOf, incidentOf, nextExpiryOf } from './dashboard-history.ts';
import type { DashboardAccount, DashboardState } from './dashboard-state.ts';
import type { Evaluator } from './evaluator.ts';
import type { FailoverLog } from './failovers.ts';
import type { InventoryBook } from './inventory-book.ts';
import { scoreCarrier } from './score.ts';
import type { HealthSeries } from './series.ts';

export interface DashboardDeps {
  ctx: HealthContext;
  evaluator: Evaluator;
  inventory: InventoryBook;
  failovers: FailoverLog;
  series: HealthSeries;
}

function accountState(
  deps: DashboardDeps,
  carrier: string,
  id: string,
  environment: string,
): DashboardAccount {
  const h = deps.evaluator.health(carrier, id);
  const info = deps.inventory.info(carrier, id);
  const probe = h.signals.probe;
  const breakers = deps.ctx.board.for(carrier, id);
  const tokens = (info?.entry.tokens ?? [])
    .filter((t) => t.cached)
    .map((t) => ({
      name: t.name,
      issuedAt: t.issuedAt,
      expiresAt: t.expiresAt,
      ...(t.refreshTokenExpiresAt ? { refreshTokenExpiresAt: t.refreshTokenExpiresAt } : {}),
    }));
  const incident = incidentOf(deps.evaluator.alerts().open, carrier, id);
  const nextExpiry = nextExpiryOf(tokens);
  return {
    id,
    environment,
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
    tokens,
    ...(info?.entry.lastUsedAt ? { lastUsedAt: info.entry.lastUsedAt } : {}),
    history: historyOf(deps.series, carrier, id, deps.ctx.now()),
    ...(incident ? { incident } : {}),
    ...(nextExpiry ? { nextExpiry } : {}),
  };
}

export async function dashboardState(deps: DashboardDeps): Promise<DashboardState> {
  const { ctx, evaluator } = deps;
  await deps.inventory.refresh();
  return {
    generatedAt: new Date(ctx.now()).toISOString(),
    carriers: ctx.directory.enabled().map((carrier) => {
      const accounts = ctx.directory
        .accountsOf(carrier.id)
        .map((account) => accountState(deps, carrier.id, account.id, account.environment));
      const c = scoreCarrier(accounts.map((a) => evaluator.health(carrier.id, a.id).scored));
      return {
        id: carrier.id,
        name: carrier.displayName,
        state: c.state,
        ...(c.score !== undefined ? { score: c.score } : {}),
        accounts,
      };
    }),
    alerts: evaluator.alerts(),
    failovers: deps.failovers.recent(),
  };
}
