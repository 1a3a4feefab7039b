/**
 * Scenario 5: failover under steady load. 300 requests/s of POST /v1/rates naming the
 * primary carrier (so its fallbacks apply); at t = 10 s the primary's auth is revoked (its
 * tokens revoked and its token endpoint answering invalid_client), at t = 40 s it is
 * restored. Measured from the answers' routing records (which carrier served each one)
 * and from polling GET /v1/carriers (breaker state and openedAt). Quick mode shortens the
 * phases and the auth breaker's reset timeout.
 */
import { createControlClient } from '../../sandbox/control-client.ts';
import { DEFAULT_AUTH_BREAKER } from '../../src/resilience/settings.ts';
import type { Child } from '../lib/child.ts';
import { type LoadResult, runLoad, type TimelineEvent } from '../lib/load.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { callerHeaders, startGateway, startSimulator, startSink, stopAll } from '../lib/stack.ts';
import { fmt, fmtInt, summarize } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';

const PRIMARY = 'ups';
const FALLBACKS = ['fedex', 'usps'];
const RATE = 300;

interface Phases {
  healthyMs: number;
  outageMs: number;
  afterMs: number;
  resetTimeoutMs: number;
}

const phasesFor = (quick: boolean): Phases =>
  quick
    ? { healthyMs: 2_000, outageMs: 5_000, afterMs: 6_000, resetTimeoutMs: 3_000 }
    : {
        healthyMs: 10_000,
        outageMs: 30_000,
        afterMs: 45_000,
        resetTimeoutMs: DEFAULT_AUTH_BREAKER.resetTimeoutMs,
      };

interface BreakerSample {
  at: number;
  state: string;
  openedAt?: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const failover: Scenario = {
  id: 'failover',
  title: `Failover: ${RATE} req/s, primary's auth revoked then restored`,
  async run(ctx): Promise<ScenarioResult> {
    const phases = phasesFor(ctx.quick);
    const simulator = await startSimulator({ carriers: [PRIMARY, ...FALLBACKS] });
    const sink = await startSink();
    const children: (Child<unknown> | undefined)[] = [simulator, sink];
    try {
      const gateway = await startGateway({
        simulator: simulator.ready,
        carriers: [PRIMARY, ...FALLBACKS],
        fallbacks: { [PRIMARY]: FALLBACKS },
        breaker: { auth: { resetTimeoutMs: phases.resetTimeoutMs } },
        otlpEndpoint: sink.ready.url,
      });
      children.push(gateway);
      const control = createControlClient(`${simulator.ready.url}/_control`);
      const headers = callerHeaders(gateway.ready);
      const body = JSON.stringify({ ...RATE_BODY, carriers: [PRIMARY] });
      // Tokens cached and code warm before the clock starts.
      await runLoad({ url: `${gateway.ready.url}/v1/rates`, headers, body, durationSec: 1, overallRate: 50 });

      const totalMs = phases.healthyMs + phases.outageMs + phases.afterMs;
      ctx.log(`failover: ${totalMs / 1000} s at ${RATE}/s (fault at ${phases.healthyMs / 1000} s)`);
      const breaker: BreakerSample[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          breaker.push(await pollBreaker(gateway.ready.url, headers));
          await sleep(100);
        }
      })();
      const startedAt = Date.now();
      const load = runLoad({
        url: `${gateway.ready.url}/v1/rates`,
        headers,
        body,
        durationSec: totalMs / 1000,
        overallRate: RATE,
        connections: 64,
        timeline: true,
      });
      await sleep(phases.healthyMs);
      await control.injectFault({
        carrier: PRIMARY,
        target: 'token',
        kind: 'invalid_client',
        durationMs: phases.outageMs,
      });
      await control.revoke({ carrier: PRIMARY });
      const faultAt = Date.now();
      await sleep(startedAt + phases.healthyMs + phases.outageMs - Date.now());
      await control.clearFaults(PRIMARY);
      const restoredAt = Date.now();
      const result = await load;
      polling = false;
      await poller;
      const tokenCalls = (await control.stats(PRIMARY)).tokenCalls;
      return report(phases, result, breaker, { startedAt, faultAt, restoredAt, tokenCalls });
    } finally {
      await stopAll(children);
    }
  },
};

async function pollBreaker(url: string, headers: Record<string, string>): Promise<BreakerSample> {
  const at = Date.now();
  try {
    const res = await fetch(`${url}/v1/carriers`, { headers });
    const view = (await res.json()) as {
      carriers: { id: string; accounts: { breakers: { auth: { state: string; openedAt?: string } } }[] }[];
    };
    const accounts = view.carriers.find((c) => c.id === PRIMARY)?.accounts ?? [];
    const open = accounts.find((a) => a.breakers.auth.state !== 'closed');
    const auth = (open ?? accounts[0])?.breakers.auth;
    return {
      at,
      state: auth?.state ?? 'unknown',
      openedAt: auth?.openedAt ? Date.parse(auth.openedAt) : undefined,
    };
  } catch {
    return { at, state: 'unreachable' };
  }
}

function report(
  phases: Phases,
  load: LoadResult,
  breaker: BreakerSample[],
  t: { startedAt: number; faultAt: number; restoredAt: number; tokenCalls: Record<string, number> },
): ScenarioResult {
  const events = load.timeline ?? [];
  // Each answer belongs to the phase in which its request was sent.
  const sentAt = (e: TimelineEvent) => e[0] - e[1];
  const healthy = events.filter((e) => sentAt(e) < t.faultAt);
  const outage = events.filter((e) => sentAt(e) >= t.faultAt && sentAt(e) < t.restoredAt);
  const after = events.filter((e) => sentAt(e) >= t.restoredAt);
  const withRate = (list: TimelineEvent[]) => list.filter((e) => e[2] === 200 && e[3] !== '').length;
  const share = (list: TimelineEvent[]) => (list.length ? withRate(list) / list.length : Number.NaN);
  const p99 = (list: TimelineEvent[]) => summarize(list.map((e) => e[1])).p99;
  const servedBy = (list: TimelineEvent[]) => {
    const counts: Record<string, number> = {};
    for (const e of list)
      counts[e[3] || `no rate (${e[2]})`] = (counts[e[3] || `no rate (${e[2]})`] ?? 0) + 1;
    return Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${fmtInt(n)}`)
      .join(', ');
  };

  const firstOpen = breaker.find((b) => b.at >= t.faultAt - 50 && b.state === 'open');
  const openedAt = firstOpen?.openedAt ?? firstOpen?.at;
  const openAfterMs = openedAt !== undefined ? openedAt - t.faultAt : undefined;
  // Back on the primary: from the first second after restore in which >= 99 % of answers came from it.
  const afterSorted = [...after].sort((a, b) => sentAt(a) - sentAt(b));
  const firstPrimary = afterSorted.find((e) => e[3] === PRIMARY);
  let backAt: number | undefined;
  for (let s = t.restoredAt; s < t.restoredAt + phases.afterMs; s += 1000) {
    const second = afterSorted.filter((e) => sentAt(e) >= s && sentAt(e) < s + 1000);
    if (second.length > 0 && second.filter((e) => e[3] === PRIMARY).length >= 0.99 * second.length) {
      backAt = second.find((e) => e[3] === PRIMARY) ? sentAt(second.find((e) => e[3] === PRIMARY)!) : s;
      break;
    }
  }
  const backAfterMs = backAt !== undefined ? backAt - t.restoredAt : undefined;
  const probeAllowanceMs = 1_000;
  const backGoalMs = phases.resetTimeoutMs + probeAllowanceMs;

  const outageShare = share(outage);
  const healthyP99 = p99(healthy);
  const outageP99 = p99(outage);
  const transitions = breaker
    .filter((b, i) => i === 0 || breaker[i - 1]?.state !== b.state)
    .map((b) => `${b.state} at t=${fmt((b.at - t.startedAt) / 1000)} s`)
    .join(' → ');

  const detailRows = [
    ['healthy (before the fault)', healthy, `0–${fmt((t.faultAt - t.startedAt) / 1000)} s`],
    [
      'outage (auth revoked)',
      outage,
      `${fmt((t.faultAt - t.startedAt) / 1000)}–${fmt((t.restoredAt - t.startedAt) / 1000)} s`,
    ],
    ['after restore', after, `${fmt((t.restoredAt - t.startedAt) / 1000)} s–end`],
  ] as const;

  return {
    id: 'failover',
    summary: [
      {
        scenario: `Failover: ${RATE} req/s, primary's auth revoked at t=${phases.healthyMs / 1000} s, restored at t=${(phases.healthyMs + phases.outageMs) / 1000} s`,
        against: 'the healthy phase before',
        measured: `${fmt(outageShare * 100)} % answered with a rate during the outage`,
        goal: '≥ 99.9 % answered with a rate during the outage',
        status: goalStatus(outageShare >= 0.999),
      },
      {
        scenario: 'Failover: breaker open after the fault',
        against: 'fault injection time',
        measured: openAfterMs !== undefined ? `${fmtInt(openAfterMs)} ms` : 'never opened',
        goal: '≤ 1 s',
        status: goalStatus(openAfterMs !== undefined && openAfterMs <= 1_000),
      },
      {
        scenario: 'Failover: p99 latency during the outage',
        against: 'healthy p99',
        measured: `${fmt(outageP99)} ms vs ${fmt(healthyP99)} ms healthy (${fmt(outageP99 / healthyP99)} ×)`,
        goal: '≤ 1.5 × healthy p99',
        status: goalStatus(outageP99 <= 1.5 * healthyP99),
      },
      {
        scenario: 'Failover: traffic back on the primary after restore',
        against: `reset timeout (${fmt(phases.resetTimeoutMs / 1000)} s) + one probe`,
        measured:
          backAfterMs !== undefined
            ? `${fmt(backAfterMs / 1000)} s (first primary answer after ${firstPrimary ? fmt((sentAt(firstPrimary) - t.restoredAt) / 1000) : 'n/a'} s)`
            : `not back within ${fmt(phases.afterMs / 1000)} s`,
        goal: `≤ ${fmt(backGoalMs / 1000)} s (reset timeout + ${probeAllowanceMs / 1000} s for the probe)`,
        status: goalStatus(backAfterMs !== undefined && backAfterMs <= backGoalMs),
      },
    ],
    details: [
      {
        title: `Failover at ${RATE} req/s (paced, open loop): answers by the phase they were sent in`,
        headers: ['phase', 'time', 'answers', 'with a rate', 'p50 ms', 'p99 ms', 'served by'],
        rows: detailRows.map(([name, list, span]) => [
          name,
          span,
          fmtInt(list.length),
          `${fmt(share(list) * 100)} %`,
          fmt(summarize(list.map((e) => e[1])).p50),
          fmt(p99(list)),
          servedBy(list),
        ]),
      },
    ],
    notes: [
      `Failover: fault = the simulator revokes every ${PRIMARY} token and answers its token endpoint with invalid_client (credentials revoked); restore = the fault is cleared. Auth breaker: default thresholds, reset timeout ${fmt(phases.resetTimeoutMs / 1000)} s; failover budget: the default. Primary auth breaker as polled every 100 ms on GET /v1/carriers: ${transitions || 'no samples'}. Token calls seen by the ${PRIMARY} simulator: ${JSON.stringify(t.tokenCalls)}.`,
    ],
    data: {
      phases,
      times: t,
      breaker,
      counts: { healthy: healthy.length, outage: outage.length, after: after.length },
      status: load.status,
      errors: load.errors,
      timeouts: load.timeouts,
    },
  };
}
