/**
 * The health signals of one account at one instant: what the ledger saw in the window, the
 * breaker states, and the latest probe. Scores, triage and alert rules all read these.
 */
import type { FailureClass } from '../domain/failure.ts';
import type { BreakerState, LastFailure } from '../resilience/breaker.ts';
import type { AccountActivity } from './ledger.ts';
import type { ProbeResult } from './probe/types.ts';

export interface AccountSignals {
  carrier: string;
  account: string;
  tokenCalls: number;
  tokenFailures: number;
  /** Share of successful token calls in the window; undefined without calls. */
  tokenSuccessRate?: number | undefined;
  lastTokenCall?: { ok: boolean; failureClass?: FailureClass | undefined; at: number } | undefined;
  /** Mean successful token-call latency in the window against the account's own slow baseline. */
  latency: { recentMs?: number | undefined; baselineMs?: number | undefined; baselineSamples: number };
  /** Use-time 401s on credentials believed valid (first sends). */
  unauthorized: number;
  /** Token calls and exchanges in the window, and how many were throttled. */
  events: number;
  throttled: number;
  throttledRate?: number | undefined;
  /** Scope, permission and client failures (token calls classified misconfigured, API 403s). */
  misconfigured: number;
  /** Tokens replaced before `lifetimeRatio` of their expected life, within the lifetime window. */
  shortLifetimes: number;
  worstLifetimeRatio?: number | undefined;
  breakers: {
    auth: BreakerState;
    api: BreakerState;
    authLast?: LastFailure | undefined;
    apiLast?: LastFailure | undefined;
  };
  /** The latest probe, if it is not stale. */
  probe?: ProbeResult | undefined;
  lastUsedAt?: number | undefined;
  /** Whether anything at all is known (traffic, a probe, a breaker off closed). */
  hasEvidence: boolean;
}

export interface SignalInputs {
  carrier: string;
  account: string;
  activity: AccountActivity;
  breakers: AccountSignals['breakers'];
  probe?: ProbeResult | undefined;
  now: number;
  windowMs: number;
  lifetimeWindowMs: number;
  lifetimeRatio: number;
  /** A probe older than this is ignored. */
  probeStaleMs: number;
}

export function signalsOf(input: SignalInputs): AccountSignals {
  const { activity, now } = input;
  const since = now - input.windowMs;
  const calls = activity.tokenCalls.filter((c) => c.at >= since);
  const failures = calls.filter((c) => !c.ok);
  const successes = calls.filter((c) => c.ok && c.reason !== 'quota');
  const exchanges = activity.exchanges.filter((e) => e.at >= since);
  const last = activity.tokenCalls.at(-1);
  const throttled =
    failures.filter((c) => c.failureClass === 'throttled').length +
    exchanges.filter((e) => e.status === 429 || e.failureClass === 'throttled').length;
  const misconfigured =
    failures.filter((c) => c.failureClass === 'misconfigured').length +
    exchanges.filter((e) => e.status === 403 || e.failureClass === 'misconfigured').length;
  const lifetimes = activity.lifetimes.filter((l) => l.at >= now - input.lifetimeWindowMs);
  const ratios = lifetimes.map((l) => l.observedMs / l.expectedMs);
  const events = calls.length + exchanges.length;
  const probe = input.probe && now - input.probe.at <= input.probeStaleMs ? input.probe : undefined;
  const recentMs =
    successes.length === 0
      ? undefined
      : successes.reduce((sum, c) => sum + c.durationMs, 0) / successes.length;

  return {
    carrier: input.carrier,
    account: input.account,
    tokenCalls: calls.length,
    tokenFailures: failures.length,
    tokenSuccessRate: calls.length === 0 ? undefined : (calls.length - failures.length) / calls.length,
    lastTokenCall: last && { ok: last.ok, failureClass: last.failureClass, at: last.at },
    latency: {
      recentMs,
      baselineMs: activity.latencyBaselineMs,
      baselineSamples: activity.latencySamples,
    },
    unauthorized: exchanges.filter((e) => e.status === 401 && e.resendCount === 0).length,
    events,
    throttled,
    throttledRate: events === 0 ? undefined : throttled / events,
    misconfigured,
    shortLifetimes: ratios.filter((r) => r < input.lifetimeRatio).length,
    worstLifetimeRatio: ratios.length === 0 ? undefined : Math.min(...ratios),
    breakers: input.breakers,
    probe,
    lastUsedAt: activity.lastUsedAt,
    hasEvidence:
      events > 0 ||
      probe !== undefined ||
      input.breakers.auth !== 'closed' ||
      input.breakers.api !== 'closed',
  };
}
