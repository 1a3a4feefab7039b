/** What the dashboard shows, as one JSON document (GET /admin/dashboard/state). */
/* Object types, not interfaces: they are rendered as JSON through loosely typed API schemas. */
import type { Alert } from './alerts/types.ts';
import type { HealthState } from './score.ts';
import type { Runbook, TriageClass } from './triage.ts';

export type FailoverRecord = {
  at: string;
  operation: 'rates' | 'label';
  requested: string;
  servedBy: string | null;
  /** The failure class of the first attempt that did not serve. */
  reason?: string | undefined;
};

/** One minute of an account's history (only minutes that saw something are sent). */
export type HistoryMinute = {
  at: string;
  tokenCalls: number;
  /** Share of successful token calls in the minute; absent without calls. */
  tokenSuccessRate?: number | undefined;
  refreshP50Ms?: number | undefined;
  refreshP95Ms?: number | undefined;
  unauthorized: number;
  failovers: number;
};

/** The account's open incident (the most severe, then the oldest) with its triage. */
export type AccountIncident = {
  id: string;
  rule: string;
  severity: 'warning' | 'critical';
  summary: string;
  startedAt: string;
  classification?: string | undefined;
  runbook?: { kind: string; text: string } | undefined;
};

export type DashboardAccount = {
  id: string;
  environment: string;
  state: HealthState;
  score?: number | undefined;
  classification: TriageClass;
  failureClass?: string | undefined;
  runbook: Runbook;
  penalties: Record<string, number>;
  breakers: { auth: string; api: string };
  probe?: { at: string; outcome: string; latencyMs: number; class?: string | undefined } | undefined;
  tokens: {
    name: string;
    issuedAt?: string | undefined;
    expiresAt?: string | undefined;
    refreshTokenExpiresAt?: string | undefined;
  }[];
  lastUsedAt?: string | undefined;
  /** The last hour, per minute, from `from` to the state's generatedAt. */
  history: { from: string; minutes: HistoryMinute[] };
  incident?: AccountIncident | undefined;
  /** The cached token that expires first. */
  nextExpiry?: { name: string; at: string } | undefined;
};

export type DashboardCarrier = {
  id: string;
  name: string;
  state: HealthState;
  score?: number | undefined;
  accounts: DashboardAccount[];
};

export type DashboardState = {
  generatedAt: string;
  carriers: DashboardCarrier[];
  alerts: { open: Alert[]; recent: Alert[] };
  failovers: FailoverRecord[];
};
