/**
 * The health signals of one account at one instant: what the ledger saw in the window, the
 * breaker states, and the latest probe. Scores, triage and alert rules all read these.
 */
import type { FailureClass } from '../domain/failure.ts';
import type { BreakerState, LastFailure } from '../resilience/breaker.ts';
import { type AccountActivity, newest } from './ledger.ts';
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

/**
 * What one instance saw of one account in the window: counts that sum across instances, the
 * worst lifetime and the latest call and use. Instances publish theirs so every instance
 * judges the fleet's traffic, not its own slice (fleet/signals.ts).
 */
export interface WindowSummary {
  tokenCalls: number;
  tokenFailures: number;
  /** Successful token calls that reached the carrier (quota refusals excluded), and their time. */
  successes: number;
  successMs: number;
  exchanges: number;
  throttled: number;
  misconfigured: number;
  unauthorized: number;
  shortLifetimes: number;
  worstLifetimeRatio?: number | undefined;
  lastTokenCall?: { ok: boolean; failureClass?: FailureClass | undefined; at: number } | undefined;
  lastUsedAt?: number | undefined;
}

export interface WindowBounds {
  now: number;
  windowMs: number;
  lifetimeWindowMs: number;
  lifetimeRatio: number;
}

export function summarize(activity: AccountActivity, bounds: WindowBounds): WindowSummary {
  const since = bounds.now - bounds.windowMs;
  const calls = newest(activity.tokenCalls).filter((c) => c.at >= since);
  const failures = calls.filter((c) => !c.ok);
  const successes = calls.filter((c) => c.ok && c.reason !== 'quota');
  const exchanges = newest(activity.exchanges).filter((e) => e.at >= since);
  const last = activity.tokenCalls.at(-1);
  const ratios = newest(activity.lifetimes)
    .filter((l) => l.at >= bounds.now - bounds.lifetimeWindowMs)
    .map((l) => l.observedMs / l.expectedMs);
  return {
    tokenCalls: calls.length,
    tokenFailures: failures.length,
    successes: successes.length,
    successMs: successes.reduce((sum, c) => sum + c.durationMs, 0),
    exchanges: exchanges.length,
    throttled:
      failures.filter((c) => c.failureClass === 'throttled').length +
      exchanges.filter((e) => e.status === 429 || e.failureClass === 'throttled').length,
    misconfigured:
      failures.filter((c) => c.failureClass === 'misconfigured').length +
      exchanges.filter((e) => e.status === 403 || e.failureClass === 'misconfigured').length,
    unauthorized: exchanges.filter((e) => e.status === 401 && e.resendCount === 0).length,
    shortLifetimes: ratios.filter((r) => r < bounds.lifetimeRatio).length,
    worstLifetimeRatio: ratios.length === 0 ? undefined : Math.min(...ratios),
    lastTokenCall: last && { ok: last.ok, failureClass: last.failureClass, at: last.at },
    lastUsedAt: activity.lastUsedAt,
  };
}

const later = <T extends { at: number }>(a: T | undefined, b: T | undefined): T | undefined =>
  a === undefined ? b : b === undefined || a.at >= b.at ? a : b;
const lowest = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);
const highest = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Two instances' windows as one: counts add, the worst and the latest win. */
export function mergeSummaries(a: WindowSummary, b: WindowSummary | undefined): WindowSummary {
  if (b === undefined) return a;
  return {
    tokenCalls: a.tokenCalls + b.tokenCalls,
    tokenFailures: a.tokenFailures + b.tokenFailures,
    successes: a.successes + b.successes,
    successMs: a.successMs + b.successMs,
    exchanges: a.exchanges + b.exchanges,
    throttled: a.throttled + b.throttled,
    misconfigured: a.misconfigured + b.misconfigured,
    unauthorized: a.unauthorized + b.unauthorized,
    shortLifetimes: a.shortLifetimes + b.shortLifetimes,
    worstLifetimeRatio: lowest(a.worstLifetimeRatio, b.worstLifetimeRatio),
    lastTokenCall: later(a.lastTokenCall, b.lastTokenCall),
    lastUsedAt: highest(a.lastUsedAt, b.lastUsedAt),
  };
}

export interface SignalInputs {
  carrier: string;
  account: string;
  /** The window as the fleet saw it (this instance's alone when it runs alone). */
  summary: WindowSummary;
  /** This instance's slow baseline of token-call latency. */
  baseline: { ms?: number | undefined; samples: number };
  breakers: AccountSignals['breakers'];
  probe?: ProbeResult | undefined;
  now: number;
  /** A probe older than this is ignored. */
  probeStaleMs: number;
}

export function signalsOf(input: SignalInputs): AccountSignals {
  const { summary: w, now } = input;
  const events = w.tokenCalls + w.exchanges;
  const probe = input.probe && now - input.probe.at <= input.probeStaleMs ? input.probe : undefined;
  return {
    carrier: input.carrier,
    account: input.account,
    tokenCalls: w.tokenCalls,
    tokenFailures: w.tokenFailures,
    tokenSuccessRate: w.tokenCalls === 0 ? undefined : (w.tokenCalls - w.tokenFailures) / w.tokenCalls,
    lastTokenCall: w.lastTokenCall,
    latency: {
      recentMs: w.successes === 0 ? undefined : w.successMs / w.successes,
      baselineMs: input.baseline.ms,
      baselineSamples: input.baseline.samples,
    },
    unauthorized: w.unauthorized,
    events,
    throttled: w.throttled,
    throttledRate: events === 0 ? undefined : w.throttled / events,
    misconfigured: w.misconfigured,
    shortLifetimes: w.shortLifetimes,
    worstLifetimeRatio: w.worstLifetimeRatio,
    breakers: input.breakers,
    probe,
    lastUsedAt: w.lastUsedAt,
    hasEvidence:
      events > 0 ||
      probe !== undefined ||
      input.breakers.auth !== 'closed' ||
      input.breakers.api !== 'closed',
  };
}
