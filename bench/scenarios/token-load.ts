/**
 * Scenario 6: the token endpoint under request load. POST /v1/rates at 1,000 req/s and at
 * 100 req/s for the same time, each against a fresh gateway, with the carrier issuing
 * short-lived tokens so the refresh schedule shows within the run. Token calls are counted
 * by the simulator; they should follow the lifetime (one initial call, then the proactive
 * refresh schedule), the same at both rates.
 */
import { createControlClient } from '../../sandbox/control-client.ts';
import {
  MIN_PROACTIVE_REFRESH_INTERVAL_MS,
  MIN_REFRESH_MARGIN_MS,
  REFRESH_MARGIN_JITTER_RATIO,
  REFRESH_MARGIN_RATIO,
} from '../../src/auth/lifetime.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { alternate } from '../lib/rounds.ts';
import { callerHeaders, startGateway, startSimulator } from '../lib/stack.ts';
import { fmt, fmtInt } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';

const CARRIER = 'ups';
const VARIANTS = ['1,000 req/s', '100 req/s'] as const;
type Variant = (typeof VARIANTS)[number];
const RATES: Record<Variant, number> = { '1,000 req/s': 1_000, '100 req/s': 100 };

interface Round {
  tokenCalls: number;
  load: LoadResult;
}

/**
 * Token calls the broker's schedule allows in `durationMs` for a `lifetimeMs` token: one
 * initial call, then one per refresh interval. The interval is when 20-30 % of the lifetime
 * remains (at least 5 s), but never sooner than 30 s after the last call; a token that
 * dies before that is refreshed at expiry.
 */
export function scheduledTokenCalls(lifetimeMs: number, durationMs: number): { min: number; max: number } {
  const offset = (ratio: number) =>
    lifetimeMs - Math.min(lifetimeMs, Math.max(MIN_REFRESH_MARGIN_MS, lifetimeMs * ratio));
  const interval = (proactiveAt: number) =>
    Math.min(Math.max(proactiveAt, MIN_PROACTIVE_REFRESH_INTERVAL_MS), lifetimeMs);
  const shortest = interval(offset(REFRESH_MARGIN_RATIO + REFRESH_MARGIN_JITTER_RATIO));
  const longest = interval(offset(REFRESH_MARGIN_RATIO));
  return { min: 1 + Math.floor(durationMs / longest), max: 1 + Math.floor(durationMs / shortest) };
}

export const tokenLoad: Scenario = {
  id: 'token-load',
  title: 'Token-endpoint load: 1,000 req/s vs 100 req/s',
  async run(ctx): Promise<ScenarioResult> {
    const durationSec = ctx.quick ? 5 : 60;
    const lifetimeSec = ctx.quick ? 3 : 60;
    const simulator = await startSimulator({ carriers: [CARRIER] });
    const control = createControlClient(`${simulator.ready.url}/_control`);
    try {
      const measure = async (variant: Variant): Promise<Round> => {
        await control.reset(CARRIER);
        await control.setMode({ carrier: CARRIER, tokenLifetimeSeconds: lifetimeSec });
        const gateway = await startGateway({ simulator: simulator.ready, carriers: [CARRIER] });
        try {
          ctx.log(`token load: ${variant} for ${durationSec} s (tokens live ${lifetimeSec} s)`);
          const load = await runLoad({
            url: `${gateway.ready.url}/v1/rates`,
            headers: callerHeaders(gateway.ready),
            body: JSON.stringify(RATE_BODY),
            durationSec,
            overallRate: RATES[variant],
            connections: 128,
          });
          const stats = await control.stats(CARRIER);
          return { tokenCalls: Object.values(stats.tokenCalls).reduce((a, b) => a + b, 0), load };
        } finally {
          await gateway.stop();
        }
      };
      const results = await alternate(VARIANTS, 1, measure);
      return report(durationSec, lifetimeSec, results);
    } finally {
      await simulator.stop();
    }
  },
};

function report(durationSec: number, lifetimeSec: number, r: Record<Variant, Round[]>): ScenarioResult {
  // The schedule over the time the gateway was really answering (an overloaded run lasts longer).
  const expectedFor = (v: Variant) =>
    scheduledTokenCalls(lifetimeSec * 1000, (r[v][0]?.load.durationSec ?? durationSec) * 1000);
  const range = (v: Variant) => {
    const e = expectedFor(v);
    return e.min === e.max ? `${e.min}` : `${e.min}–${e.max}`;
  };
  const calls = (v: Variant) => r[v][0]?.tokenCalls ?? Number.NaN;
  const inSchedule = VARIANTS.every((v) => calls(v) >= expectedFor(v).min && calls(v) <= expectedFor(v).max);
  const achieved = (v: Variant) => r[v][0]?.load.okPerSec ?? Number.NaN;
  return {
    id: 'token-load',
    summary: [
      {
        scenario: `Token-endpoint load: 1,000 req/s sustained for ${durationSec} s`,
        against: `the token lifetime (${lifetimeSec} s) and 100 req/s`,
        measured: `${calls('1,000 req/s')} token calls at 1,000 req/s (schedule ${range('1,000 req/s')}; achieved ${fmtInt(achieved('1,000 req/s'))}/s over ${fmt(r['1,000 req/s'][0]?.load.durationSec)} s) vs ${calls('100 req/s')} at 100 req/s (schedule ${range('100 req/s')})`,
        goal: 'token calls = the refresh schedule, independent of request rate',
        status: goalStatus(inSchedule),
      },
    ],
    details: [
      {
        title: `Token-endpoint load (${durationSec} s per rate, tokens living ${lifetimeSec} s, fresh gateway each)`,
        headers: [
          'request rate',
          'achieved req/s',
          'answered over, s',
          'non-2xx + errors',
          'p99 ms',
          'token calls',
          'schedule allows',
        ],
        rows: VARIANTS.map((v) => {
          const load = r[v][0]?.load;
          const bad = load
            ? load.errors +
              Object.entries(load.status)
                .filter(([code]) => !code.startsWith('2'))
                .reduce((s, [, n]) => s + n, 0)
            : Number.NaN;
          return [
            v,
            fmtInt(achieved(v)),
            fmt(load?.durationSec),
            fmtInt(bad),
            fmt(load?.latency.p99),
            String(calls(v)),
            range(v),
          ];
        }),
      },
    ],
    notes: [
      `Token load: the schedule is 1 initial call plus one refresh each time 20–30 % of the lifetime remains (at least ${MIN_REFRESH_MARGIN_MS / 1000} s before expiry, at most one proactive refresh per ${MIN_PROACTIVE_REFRESH_INTERVAL_MS / 1000} s, else at expiry). Telemetry off; no synthetic probes run in this process, so every token call is a refresh-schedule call.`,
    ],
    data: { durationSec, lifetimeSec, results: r },
  };
}
