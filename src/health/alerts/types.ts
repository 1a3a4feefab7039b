/** Alerts: what a rule found, and the notifications an incident produces. */
import type { FailureClass } from '../../domain/failure.ts';
import type { Runbook, TriageClass } from '../triage.ts';

export const ALERT_RULES = [
  'refresh_frequency_rising',
  'unauthorized_rising',
  'config_drift',
  'caller_new_network',
  'token_success_rate',
  'breaker_open',
  'credential_expiry',
  'credential_dormant',
  'store_lost',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export type AlertSeverity = 'warning' | 'critical';

/** A rule's finding at one evaluation: the incident it belongs to is `key`. */
export interface Condition {
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  carrier?: string | undefined;
  account?: string | undefined;
  /** What else names the incident (a breaker kind, a caller key id and network...). */
  subject?: string | undefined;
  summary: string;
  /** The observed value and the threshold it crossed, both readable. */
  value: string;
  threshold: string;
}

export type AlertTriage = {
  failureClass?: FailureClass | undefined;
  classification: TriageClass;
  runbook: Runbook;
};

/** One notification: an incident firing, or its resolution. */
export type Alert = {
  /** The incident id: the firing and the resolution share it. */
  id: string;
  status: 'firing' | 'resolved';
  rule: AlertRule;
  severity: AlertSeverity;
  carrier?: string | undefined;
  account?: string | undefined;
  subject?: string | undefined;
  summary: string;
  value: string;
  threshold: string;
  startedAt: string;
  resolvedAt?: string | undefined;
  triage?: AlertTriage | undefined;
};

export interface AlertSink {
  readonly name: string;
  send(alert: Alert): Promise<void> | void;
}

export const conditionKey = (rule: AlertRule, carrier = '', account = '', subject = ''): string =>
  `${rule}|${carrier}|${account}|${subject}`;
