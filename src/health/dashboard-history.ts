/** The dashboard's per-account extras: the last hour from the series, the open incident, the next expiry. */
import type { Alert } from './alerts/types.ts';
import type { AccountIncident, DashboardAccount, HistoryMinute } from './dashboard-state.ts';
import { type HealthSeries, latencyQuantile, SERIES_RETENTION_MS } from './series.ts';

const round = (v: number | undefined, digits = 1) =>
  v === undefined ? undefined : Math.round(v * 10 ** digits) / 10 ** digits;

export function historyOf(
  series: HealthSeries,
  carrier: string,
  account: string,
  now: number,
): DashboardAccount['history'] {
  const from = now - SERIES_RETENTION_MS;
  const minutes = series.read(carrier, account, from).map(
    (b): HistoryMinute => ({
      at: new Date(b.at).toISOString(),
      tokenCalls: b.tokenCalls,
      ...(b.tokenCalls > 0 ? { tokenSuccessRate: round(b.tokenSuccesses / b.tokenCalls, 3) } : {}),
      ...(b.tokenSuccesses > 0
        ? {
            refreshP50Ms: round(latencyQuantile(b.refreshLatency, 0.5)),
            refreshP95Ms: round(latencyQuantile(b.refreshLatency, 0.95)),
          }
        : {}),
      unauthorized: b.unauthorized,
      failovers: b.failovers,
    }),
  );
  return { from: new Date(from).toISOString(), minutes };
}

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

export function incidentOf(
  open: readonly Alert[],
  carrier: string,
  account: string,
): AccountIncident | undefined {
  const mine = open
    .filter((a) => a.carrier === carrier && a.account === account)
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.startedAt.localeCompare(b.startedAt),
    );
  const first = mine[0];
  if (first === undefined) return undefined;
  return {
    id: first.id,
    rule: first.rule,
    severity: first.severity,
    summary: first.summary,
    startedAt: first.startedAt,
    ...(first.triage
      ? {
          classification: first.triage.classification,
          runbook: { kind: first.triage.runbook.kind, text: first.triage.runbook.text },
        }
      : {}),
  };
}

export function nextExpiryOf(tokens: DashboardAccount['tokens']): DashboardAccount['nextExpiry'] {
  const dated = tokens.filter((t): t is typeof t & { expiresAt: string } => t.expiresAt !== undefined);
  const first = dated.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))[0];
  return first ? { name: first.name, at: first.expiresAt } : undefined;
}
