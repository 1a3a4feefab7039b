/**
 * The health score: 100 minus documented penalties, clamped to 0-100, and the state it
 * implies. Pure: the README's formula is this file.
 */
import type { AccountSignals } from './signals.ts';

export type HealthState = 'healthy' | 'degraded' | 'failing' | 'unknown';

export const PENALTY = {
  /** x (1 - token success rate) over the window. */
  tokenFailure: 40,
  /** Refresh latency: 0 at 2x its own baseline, rising linearly to this at 4x. */
  latencyMax: 10,
  /** Per use-time 401 on a credential believed valid, up to unauthorizedMax. */
  unauthorizedEach: 5,
  unauthorizedMax: 15,
  /** x share of throttled token calls and exchanges. */
  throttled: 15,
  authOpen: 50,
  authHalfOpen: 25,
  apiOpen: 30,
  apiHalfOpen: 15,
  probeFail: 60,
  probeDegraded: 15,
} as const;

export const HEALTHY_MIN = 80;
export const DEGRADED_MIN = 50;
/** Latency baselines need this many samples, and latencies under this floor never count (noise). */
export const LATENCY_MIN_SAMPLES = 5;
export const LATENCY_FLOOR_MS = 50;

export interface Scored {
  score: number;
  state: HealthState;
  /** Each non-zero penalty by name: the "why" of a score. */
  penalties: Record<string, number>;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function latencyPenalty(s: AccountSignals['latency']): number {
  const { recentMs, baselineMs, baselineSamples } = s;
  if (recentMs === undefined || baselineMs === undefined || baselineSamples < LATENCY_MIN_SAMPLES) return 0;
  if (recentMs < LATENCY_FLOOR_MS || baselineMs <= 0) return 0;
  const ratio = recentMs / baselineMs;
  return clamp((PENALTY.latencyMax * (ratio - 2)) / 2, 0, PENALTY.latencyMax);
}

export function scoreAccount(s: AccountSignals): Scored {
  const penalties: Record<string, number> = {
    tokenFailures: s.tokenSuccessRate === undefined ? 0 : PENALTY.tokenFailure * (1 - s.tokenSuccessRate),
    latency: latencyPenalty(s.latency),
    unauthorized: Math.min(PENALTY.unauthorizedMax, PENALTY.unauthorizedEach * s.unauthorized),
    throttled: s.throttledRate === undefined ? 0 : PENALTY.throttled * s.throttledRate,
    authBreaker:
      s.breakers.auth === 'open'
        ? PENALTY.authOpen
        : s.breakers.auth === 'half_open'
          ? PENALTY.authHalfOpen
          : 0,
    apiBreaker:
      s.breakers.api === 'open' ? PENALTY.apiOpen : s.breakers.api === 'half_open' ? PENALTY.apiHalfOpen : 0,
    probe:
      s.probe?.outcome === 'fail'
        ? PENALTY.probeFail
        : s.probe?.outcome === 'degraded'
          ? PENALTY.probeDegraded
          : 0,
  };
  const total = Object.values(penalties).reduce((a, b) => a + b, 0);
  const score = Math.round(clamp(100 - total, 0, 100));
  const nonZero = Object.fromEntries(
    Object.entries(penalties)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => [k, Math.round(v * 10) / 10]),
  );
  if (!s.hasEvidence) return { score, state: 'unknown', penalties: nonZero };
  // Hard signals: an open auth breaker or a failed probe mean checkout would fail now.
  const failing = score < DEGRADED_MIN || s.breakers.auth === 'open' || s.probe?.outcome === 'fail';
  const state: HealthState = failing ? 'failing' : score < HEALTHY_MIN ? 'degraded' : 'healthy';
  return { score, state, penalties: nonZero };
}

const RANK: Record<HealthState, number> = { unknown: 0, healthy: 1, degraded: 2, failing: 3 };

/** A carrier is as healthy as its weakest account (the one a request may be routed to). */
export function scoreCarrier(accounts: readonly Scored[]): {
  score?: number | undefined;
  state: HealthState;
} {
  const known = accounts.filter((a) => a.state !== 'unknown');
  if (known.length === 0) return { state: 'unknown' };
  const worst = known.reduce((w, a) =>
    RANK[a.state] > RANK[w.state] || (RANK[a.state] === RANK[w.state] && a.score < w.score) ? a : w,
  );
  return { score: Math.min(...known.map((a) => a.score)), state: worst.state };
}
