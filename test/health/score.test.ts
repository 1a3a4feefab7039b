/** The health score formula (README "Health, alerts and the dashboard"): penalties, states, carriers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/health/probe/types.ts';
import { latencyPenalty, PENALTY, scoreAccount, scoreCarrier } from '../../src/health/score.ts';
import type { AccountSignals } from '../../src/health/signals.ts';

function signals(patch: Partial<AccountSignals> = {}): AccountSignals {
  return {
    carrier: 'acme',
    account: 'main',
    tokenCalls: 0,
    tokenFailures: 0,
    latency: { baselineSamples: 0 },
    unauthorized: 0,
    events: 0,
    throttled: 0,
    misconfigured: 0,
    shortLifetimes: 0,
    breakers: { auth: 'closed', api: 'closed' },
    hasEvidence: true,
    ...patch,
  };
}

const probe = (outcome: ProbeResult['outcome']): ProbeResult => ({
  carrier: 'acme',
  account: 'main',
  kind: 'scheduled',
  at: 0,
  outcome,
  latencyMs: 10,
  steps: [],
  findings: [],
});

describe('account score', () => {
  it('is 100 and healthy with nothing wrong, unknown without any evidence', () => {
    expect(scoreAccount(signals({ tokenCalls: 5, tokenSuccessRate: 1 }))).toEqual({
      score: 100,
      state: 'healthy',
      penalties: {},
    });
    expect(scoreAccount(signals({ hasEvidence: false })).state).toBe('unknown');
  });

  it('takes 40 x the token failure share', () => {
    const s = scoreAccount(signals({ tokenCalls: 4, tokenFailures: 1, tokenSuccessRate: 0.75 }));
    expect(s.score).toBe(90);
    expect(s.penalties).toEqual({ tokenFailures: 10 });
    expect(s.state).toBe('healthy');
  });

  it('takes 5 per use-time 401, at most 15', () => {
    expect(scoreAccount(signals({ unauthorized: 2 })).score).toBe(90);
    expect(scoreAccount(signals({ unauthorized: 9 })).score).toBe(100 - PENALTY.unauthorizedMax);
  });

  it('takes 15 x the throttled share', () => {
    expect(scoreAccount(signals({ events: 10, throttled: 10, throttledRate: 1 })).score).toBe(85);
  });

  it('an open auth breaker or a failed probe means failing whatever the score', () => {
    const open = scoreAccount(signals({ breakers: { auth: 'open', api: 'closed' } }));
    expect(open).toMatchObject({ score: 50, state: 'failing' });
    const failed = scoreAccount(signals({ probe: probe('fail') }));
    expect(failed).toMatchObject({ score: 40, state: 'failing', penalties: { probe: 60 } });
  });

  it('half-open and API breakers and a degraded probe degrade', () => {
    expect(scoreAccount(signals({ breakers: { auth: 'half_open', api: 'closed' } }))).toMatchObject({
      score: 75,
      state: 'degraded',
    });
    expect(scoreAccount(signals({ breakers: { auth: 'closed', api: 'open' } }))).toMatchObject({
      score: 70,
      state: 'degraded',
    });
    expect(scoreAccount(signals({ probe: probe('degraded') }))).toMatchObject({
      score: 85,
      state: 'healthy',
    });
    expect(scoreAccount(signals({ probe: probe('degraded'), unauthorized: 1 }))).toMatchObject({
      score: 80,
      state: 'healthy',
    });
    expect(scoreAccount(signals({ probe: probe('degraded'), unauthorized: 2 }))).toMatchObject({
      score: 75,
      state: 'degraded',
    });
  });

  it('counts refresh latency only against its own baseline, past 2x, up to 10 at 4x', () => {
    expect(latencyPenalty({ recentMs: 200, baselineMs: 100, baselineSamples: 10 })).toBe(0);
    expect(latencyPenalty({ recentMs: 300, baselineMs: 100, baselineSamples: 10 })).toBe(5);
    expect(latencyPenalty({ recentMs: 900, baselineMs: 100, baselineSamples: 10 })).toBe(10);
    // Too few samples for a baseline, or below the noise floor: nothing.
    expect(latencyPenalty({ recentMs: 900, baselineMs: 100, baselineSamples: 4 })).toBe(0);
    expect(latencyPenalty({ recentMs: 40, baselineMs: 5, baselineSamples: 50 })).toBe(0);
  });

  it('stays within 0-100 and never rises when a signal gets worse', () => {
    const arb = fc.record({
      rate: fc.double({ min: 0, max: 1, noNaN: true }),
      unauthorized: fc.nat(20),
      throttledRate: fc.double({ min: 0, max: 1, noNaN: true }),
      auth: fc.constantFrom('closed', 'half_open', 'open' as const),
      api: fc.constantFrom('closed', 'half_open', 'open' as const),
      probe: fc.constantFrom(undefined, 'pass', 'degraded', 'fail' as const),
    });
    fc.assert(
      fc.property(arb, fc.nat(5), (x, more) => {
        const base = signals({
          tokenCalls: 10,
          tokenSuccessRate: x.rate,
          unauthorized: x.unauthorized,
          events: 10,
          throttledRate: x.throttledRate,
          breakers: { auth: x.auth, api: x.api },
          ...(x.probe ? { probe: probe(x.probe) } : {}),
        });
        const a = scoreAccount(base);
        const b = scoreAccount({ ...base, unauthorized: base.unauthorized + more });
        return a.score >= 0 && a.score <= 100 && b.score <= a.score;
      }),
    );
  });
});

describe('carrier score', () => {
  it('is its weakest account; unknown accounts do not count', () => {
    const healthy = scoreAccount(signals());
    const degraded = scoreAccount(signals({ unauthorized: 5 }));
    const unknown = scoreAccount(signals({ hasEvidence: false }));
    expect(scoreCarrier([healthy, degraded, unknown])).toEqual({ score: 85, state: 'healthy' });
    const failing = scoreAccount(signals({ probe: probe('fail') }));
    expect(scoreCarrier([healthy, failing])).toEqual({ score: 40, state: 'failing' });
    expect(scoreCarrier([unknown])).toEqual({ state: 'unknown' });
  });
});
