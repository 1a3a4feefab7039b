/**
 * The alert rules. Each is a pure function of the account's signals (or of latched events)
 * with one documented threshold (settings.ts); it returns the conditions firing now.
 */
import { type AlertThresholds, DAY_MS } from '../settings.ts';
import type { AccountSignals } from '../signals.ts';
import { type Condition, conditionKey } from './types.ts';

/** A date an operator must act before: a credential or refresh token expiry, or a rotation due date. */
export interface Deadline {
  what: 'credential_expires' | 'rotation_due' | 'refresh_token_expires';
  at: number;
  /** A shorter warning lead time than the account's, for this deadline only. */
  leadMs?: number;
}

export interface AccountRuleInput {
  signals: AccountSignals;
  deadlines: readonly Deadline[];
  /** Last live use of the credential, or when monitoring started if never used. */
  lastUsedAt: number;
  /** The account's own warning lead time (rotation.warnDays), if set. */
  warnDays?: number | undefined;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const days = (ms: number) => `${Math.round((ms / DAY_MS) * 10) / 10} days`;

function base(rule: Condition['rule'], s: AccountSignals, subject?: string) {
  return {
    key: conditionKey(rule, s.carrier, s.account, subject),
    rule,
    carrier: s.carrier,
    account: s.account,
    ...(subject !== undefined ? { subject } : {}),
  };
}

export function tokenSuccessRate(input: AccountRuleInput, t: AlertThresholds): Condition[] {
  const s = input.signals;
  if (
    s.tokenSuccessRate === undefined ||
    s.tokenCalls < t.tokenMinCalls ||
    s.tokenSuccessRate >= t.tokenSuccessRate
  )
    return [];
  return [
    {
      ...base('token_success_rate', s),
      severity: s.tokenSuccessRate < 0.5 ? 'critical' : 'warning',
      summary: `token success rate of ${s.carrier}/${s.account} dropped to ${pct(s.tokenSuccessRate)} (${s.tokenFailures} of ${s.tokenCalls} token calls failed)`,
      value: pct(s.tokenSuccessRate),
      threshold: `< ${pct(t.tokenSuccessRate)} over >= ${t.tokenMinCalls} calls`,
    },
  ];
}

export function unauthorizedRising(input: AccountRuleInput, t: AlertThresholds): Condition[] {
  const s = input.signals;
  if (s.unauthorized < t.unauthorizedCount) return [];
  return [
    {
      ...base('unauthorized_rising', s),
      severity: 'warning',
      summary: `${s.unauthorized} use-time 401s on ${s.carrier}/${s.account} tokens believed valid`,
      value: String(s.unauthorized),
      threshold: `>= ${t.unauthorizedCount} in the window`,
    },
  ];
}

export function refreshFrequencyRising(input: AccountRuleInput, t: AlertThresholds): Condition[] {
  const s = input.signals;
  if (s.shortLifetimes < t.lifetimeSamples) return [];
  return [
    {
      ...base('refresh_frequency_rising', s),
      severity: 'warning',
      summary: `${s.carrier}/${s.account} tokens are replaced far earlier than their expected lifetime (shortest lived ${pct(s.worstLifetimeRatio ?? 0)} of it)`,
      value: `${s.shortLifetimes} early replacements`,
      threshold: `>= ${t.lifetimeSamples} tokens lived < ${pct(t.lifetimeRatio)} of the expected lifetime`,
    },
  ];
}

export function configDrift(input: AccountRuleInput, t: AlertThresholds): Condition[] {
  const s = input.signals;
  const probeSaysSo = s.probe?.outcome === 'fail' && s.probe.failureClass === 'misconfigured';
  if (s.misconfigured < t.misconfiguredCount && !probeSaysSo) return [];
  const code = (probeSaysSo ? s.probe?.code : undefined) ?? s.breakers.authLast?.code;
  return [
    {
      ...base('config_drift', s),
      severity: 'critical',
      summary: `scope, permission or client failures on ${s.carrier}/${s.account}${code ? ` (${code})` : ''}: configuration drift`,
      value:
        probeSaysSo && s.misconfigured === 0
          ? 'probe failed as misconfigured'
          : `${s.misconfigured} failures`,
      threshold: `>= ${t.misconfiguredCount} in the window`,
    },
  ];
}

export function credentialExpiry(input: AccountRuleInput, t: AlertThresholds, now: number): Condition[] {
  const s = input.signals;
  const warnDays = input.warnDays ?? t.expiryWarningDays;
  const leadOf = (d: Deadline) => Math.min(warnDays * DAY_MS, d.leadMs ?? Number.POSITIVE_INFINITY);
  return input.deadlines
    .filter((d) => d.at - now <= leadOf(d))
    .map((d) => {
      const left = d.at - now;
      const label = d.what.replaceAll('_', ' ');
      return {
        ...base('credential_expiry', s, d.what),
        severity: left <= 0 ? ('critical' as const) : ('warning' as const),
        summary:
          left <= 0
            ? `${s.carrier}/${s.account}: ${label} date has passed`
            : `${s.carrier}/${s.account}: ${label} in ${days(left)}`,
        value: new Date(d.at).toISOString(),
        threshold: `within ${days(leadOf(d))}`,
      };
    });
}

export function credentialDormant(input: AccountRuleInput, t: AlertThresholds, now: number): Condition[] {
  const s = input.signals;
  const idle = now - input.lastUsedAt;
  if (idle < t.dormantDays * DAY_MS) return [];
  return [
    {
      ...base('credential_dormant', s),
      severity: 'warning',
      summary: `${s.carrier}/${s.account} credential unused for ${days(idle)}: revoke it if it is no longer needed`,
      value: days(idle),
      threshold: `>= ${t.dormantDays} days without use`,
    },
  ];
}

export function accountConditions(input: AccountRuleInput, t: AlertThresholds, now: number): Condition[] {
  return [
    ...tokenSuccessRate(input, t),
    ...unauthorizedRising(input, t),
    ...refreshFrequencyRising(input, t),
    ...configDrift(input, t),
    ...credentialExpiry(input, t, now),
    ...credentialDormant(input, t, now),
  ];
}
