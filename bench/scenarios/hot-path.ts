/**
 * Scenarios 1 and 2: the hot path. POST /v1/rates for one carrier with its token cached,
 * through the whole gateway (caller auth, validation, breakers, budget, mapping), with
 * telemetry exporting to a local OTLP sink and with telemetry off, against a bare Hono +
 * undici pass-through proxy, a reading proxy (the JSON work any translating gateway does, and
 * nothing else) and a direct call, all to the same simulator process.
 * Max throughput first; then fixed rates (half the bare proxy's max, and half the gateway's
 * own max) for latency, since latency at saturation only measures the queue.
 */

import type { Child } from '../lib/child.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { cpuMs, threadCpuMs } from '../lib/proc-cpu.ts';
import { summarizeProfile } from '../lib/profile.ts';
import { goalStatus, type Scenario, type ScenarioContext, type ScenarioResult } from '../lib/report.ts';
import { alternate } from '../lib/rounds.ts';
import {
  callerHeaders,
  type GatewayReady,
  startBareProxy,
  startGateway,
  startReadingProxy,
  startSimulator,
  startSink,
  stopAll,
} from '../lib/stack.ts';
import { fmt, median } from '../lib/stats.ts';
import { captureWireRequest, RATE_BODY } from '../lib/wire.ts';

const CARRIER = 'ups';
const VARIANTS = [
  'direct',
  'bare proxy',
  'reading proxy',
  'gateway, telemetry on',
  'gateway, every span sampled',
  'gateway, telemetry off',
] as const;
type Variant = (typeof VARIANTS)[number];

/** A max-throughput run, with the CPU the server under test spent per answered request. */
/** CPU per request of the whole server process, and of its main thread alone (V8's helper threads vary between processes). */
/** The name Node gives its main thread (/proc/<pid>/task/<tid>/comm). */
const MAIN_THREAD = 'MainThread';

type MaxResult = LoadResult & { cpuUsPerRequest: number; mainThreadUsPerRequest: number };

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface Plan {
  rounds: number;
  maxSec: number;
  fixedSec: number;
  connections: number;
}

const planFor = (quick: boolean): Plan =>
  quick
    ? { rounds: 1, maxSec: 2, fixedSec: 1.5, connections: 32 }
    : { rounds: 3, maxSec: 6, fixedSec: 5, connections: 32 };

const med = (results: LoadResult[], pick: (r: LoadResult) => number) => median(results.map(pick));
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${fmt(ms)}`;

export const hotPath: Scenario = {
  id: 'hot-path',
  title: 'Hot path: POST /v1/rates, token cached',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const plan = planFor(ctx.quick);
    const simulator = await startSimulator({ carriers: [CARRIER] });
    const sink = await startSink();
    const children: (Child<unknown> | undefined)[] = [simulator, sink];
    try {
      const simAccount = simulator.ready.accounts[CARRIER]?.[0];
      if (!simAccount) throw new Error('the simulator has no account');
      const wire = await captureWireRequest(CARRIER, simAccount, simulator.ready.url);
      const base = { simulator: simulator.ready, carriers: [CARRIER] };
      const gatewayOn = await startGateway({ ...base, otlpEndpoint: sink.ready.url });
      children.push(gatewayOn);
      // The same with every span sampled (the default samples one root trace in ten).
      const gatewayAll = await startGateway({ ...base, otlpEndpoint: sink.ready.url, sampler: 'always_on' });
      children.push(gatewayAll);
      const gatewayOff = await startGateway(base);
      children.push(gatewayOff);
      const proxy = await startBareProxy(simulator.ready.url);
      children.push(proxy);
      const reading = await startReadingProxy(simulator.ready.url, wire);
      children.push(reading);
      if (!gatewayOn.ready.telemetry || gatewayOff.ready.telemetry)
        throw new Error('telemetry is not on/off as intended');

      const unified = (g: GatewayReady): Target => ({
        url: `${g.url}/v1/rates`,
        headers: callerHeaders(g),
        body: JSON.stringify(RATE_BODY),
      });
      const targets: Record<Variant, Target> = {
        direct: { url: `${simulator.ready.url}${wire.path}`, headers: wire.headers, body: wire.body },
        'bare proxy': { url: `${proxy.ready.url}${wire.path}`, headers: wire.headers, body: wire.body },
        'reading proxy': {
          url: `${reading.ready.url}/v1/rates`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(RATE_BODY),
        },
        'gateway, telemetry on': unified(gatewayOn.ready),
        'gateway, every span sampled': unified(gatewayAll.ready),
        'gateway, telemetry off': unified(gatewayOff.ready),
      };
      // Paced (fixed-rate) runs get more connections: an open loop must never wait for a socket.
      const load = (v: Variant, extra: { durationSec: number; overallRate?: number }) =>
        runLoad({ ...targets[v], connections: extra.overallRate ? 64 : plan.connections, ...extra });

      ctx.log('hot path: warming up');
      for (const v of VARIANTS) await runLoad({ ...targets[v], connections: 8, durationSec: 1 });
      await sink.call('reset');

      // The process answering each variant: its CPU per request is read around each max run
      // (/proc), a reading a busy shared machine moves much less than throughput.
      const servers: Record<Variant, number> = {
        direct: simulator.pid,
        'bare proxy': proxy.pid,
        'reading proxy': reading.pid,
        'gateway, telemetry on': gatewayOn.pid,
        'gateway, every span sampled': gatewayAll.pid,
        'gateway, telemetry off': gatewayOff.pid,
      };
      ctx.log(`hot path: max throughput, ${plan.rounds} round(s) x ${plan.maxSec} s per variant`);
      const max = await alternate(VARIANTS, plan.rounds, async (v): Promise<MaxResult> => {
        const before = cpuMs(servers[v]);
        const mainBefore = threadCpuMs(servers[v]).get(MAIN_THREAD) ?? 0;
        const run = await load(v, { durationSec: plan.maxSec });
        const mainMs = (threadCpuMs(servers[v]).get(MAIN_THREAD) ?? 0) - mainBefore;
        const perRequest = (ms: number) => (ms * 1000) / Math.max(1, run.responses);
        return {
          ...run,
          cpuUsPerRequest: perRequest(cpuMs(servers[v]) - before),
          mainThreadUsPerRequest: perRequest(mainMs),
        };
      });
      const maxOf = (v: Variant) => med(max[v], (r) => r.okPerSec);
      const halfBare = Math.max(1, Math.floor(maxOf('bare proxy') / 2));
      const halfGateway = Math.max(1, Math.floor(maxOf('gateway, telemetry on') / 2));

      ctx.log(`hot path: fixed rate ${halfBare}/s (half the bare proxy's max)`);
      const atHalfBare = await alternate(VARIANTS, plan.rounds, (v) =>
        load(v, { durationSec: plan.fixedSec, overallRate: halfBare }),
      );
      ctx.log(`hot path: fixed rate ${halfGateway}/s (half the gateway's max)`);
      const atHalfGateway = await alternate(VARIANTS, plan.rounds, (v) =>
        load(v, { durationSec: plan.fixedSec, overallRate: halfGateway }),
      );
      const sinkStats = await sink.call<{ requests: Record<string, number>; bytes: number }>('stats');
      const profile = ctx.profile
        ? await profileGateway(ctx, simulator.ready, sink.ready.url, targets)
        : undefined;

      return report(plan, { max, atHalfBare, atHalfGateway, halfBare, halfGateway, sinkStats, profile });
    } finally {
      await stopAll(children);
    }
  },
};

/** A separate pass under `node --cpu-prof` (the measured runs are never profiled). */
async function profileGateway(
  ctx: ScenarioContext,
  simulator: Parameters<typeof startGateway>[0]['simulator'],
  otlpEndpoint: string,
  targets: Record<Variant, Target>,
) {
  ctx.log('hot path: CPU profile of the gateway (telemetry on)');
  const dir = `${ctx.profileDir}/hot-path-${Date.now()}`;
  const gateway = await startGateway({
    simulator,
    carriers: [CARRIER],
    otlpEndpoint,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  try {
    const target = { ...targets['gateway, telemetry on'], url: `${gateway.ready.url}/v1/rates` };
    target.headers = callerHeaders(gateway.ready);
    await runLoad({ ...target, connections: 8, durationSec: 1 });
    await runLoad({ ...target, connections: 32, durationSec: ctx.quick ? 3 : 8 });
  } finally {
    // The profile is written at exit, after the telemetry SDK's last export: give it time.
    await gateway.stop(30_000);
  }
  const { readdir } = await import('node:fs/promises');
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  return { path: `${dir}/${file}`, summary: await summarizeProfile(`${dir}/${file}`, 12) };
}

function report(
  plan: Plan,
  m: {
    max: Record<Variant, MaxResult[]>;
    atHalfBare: Record<Variant, LoadResult[]>;
    atHalfGateway: Record<Variant, LoadResult[]>;
    halfBare: number;
    halfGateway: number;
    sinkStats: { requests: Record<string, number>; bytes: number };
    profile: Awaited<ReturnType<typeof profileGateway>>;
  },
): ScenarioResult {
  const maxOf = (v: Variant) => med(m.max[v], (r) => r.okPerSec);
  const p99 = (set: Record<Variant, LoadResult[]>, v: Variant) => med(set[v], (r) => r.latency.p99);
  const p50 = (set: Record<Variant, LoadResult[]>, v: Variant) => med(set[v], (r) => r.latency.p50);
  const achieved = (set: Record<Variant, LoadResult[]>, v: Variant) => med(set[v], (r) => r.okPerSec);
  /** Median over rounds of (variant's p99 - direct's p99) in the same round. */
  const addedP99 = (set: Record<Variant, LoadResult[]>, v: Variant) =>
    median(set[v].map((r, i) => r.latency.p99 - (set.direct[i]?.latency.p99 ?? Number.NaN)));
  const failures = (v: Variant) =>
    [...m.max[v], ...m.atHalfBare[v], ...m.atHalfGateway[v]].reduce(
      (sum, r) =>
        sum +
        r.errors +
        Object.entries(r.status)
          .filter(([code]) => !code.startsWith('2'))
          .reduce((s, [, n]) => s + n, 0),
      0,
    );

  const ratio = maxOf('gateway, telemetry on') / maxOf('bare proxy');
  // The ceiling of any gateway that reads answers, and the gateway against it.
  const readingRatio = maxOf('reading proxy') / maxOf('bare proxy');
  const ratioToReading = maxOf('gateway, telemetry on') / maxOf('reading proxy');
  const ratioAll = maxOf('gateway, every span sampled') / maxOf('bare proxy');
  const added = addedP99(m.atHalfBare, 'gateway, telemetry on');
  const addedAtOwnHalf = addedP99(m.atHalfGateway, 'gateway, telemetry on');
  const telemetryCost = 1 - maxOf('gateway, telemetry on') / maxOf('gateway, telemetry off');
  const cpuOf = (v: Variant) => median(m.max[v].map((r) => r.cpuUsPerRequest));
  const telemetryCpu = cpuOf('gateway, telemetry on') / cpuOf('gateway, telemetry off') - 1;
  const mainOf = (v: Variant) => median(m.max[v].map((r) => r.mainThreadUsPerRequest));
  const telemetryMain = mainOf('gateway, telemetry on') / mainOf('gateway, telemetry off') - 1;
  const telemetryCpuAll = cpuOf('gateway, every span sampled') / cpuOf('gateway, telemetry off') - 1;
  const telemetryCostAll = 1 - maxOf('gateway, every span sampled') / maxOf('gateway, telemetry off');
  const sustained = achieved(m.atHalfBare, 'gateway, telemetry on') >= 0.97 * m.halfBare;

  const rows = VARIANTS.map((v) => [
    v,
    fmt(maxOf(v)),
    fmt(med(m.max[v], (r) => r.latency.p99)),
    `${fmt(cpuOf(v))} (${fmt(mainOf(v))})`,
    `${fmt(achieved(m.atHalfBare, v))} / ${fmt(p50(m.atHalfBare, v))} / ${fmt(p99(m.atHalfBare, v))}`,
    `${fmt(achieved(m.atHalfGateway, v))} / ${fmt(p50(m.atHalfGateway, v))} / ${fmt(p99(m.atHalfGateway, v))}`,
    String(failures(v)),
  ]);

  const notes = [
    `Hot path: ${plan.rounds} round(s), variants alternated; max throughput over ${plan.maxSec} s at ${plan.connections} connections, fixed rates over ${plan.fixedSec} s, open loop (requests evenly paced on an undici pool; latency counted from when each request was due, so a queue cannot hide). Medians over rounds. Latencies recorded per response as floats in the load process.`,
    `The reading proxy (baselines/reading-proxy.ts) takes the gateway's request, writes the carrier's JSON body, parses the carrier's JSON answer and answers JSON, with nothing else (no validation, auth, breakers, telemetry): the ceiling of any gateway that reads answers, as the bare proxy is of one that does not.`,
    `All processes share the machine: the simulator, the server under test, the load generator (and the OTLP sink) each in their own Node process. Telemetry on = the Node OTel SDK with the OTLP/HTTP exporters (default batch settings, metrics every 5 s, traces at the default sampler: parentbased_traceidratio 0.1; "every span sampled": always_on) sending to a loopback sink that discards; the sink received ${Object.entries(
      m.sinkStats.requests,
    )
      .map(([path, n]) => `${n} ${path}`)
      .join(', ')} exports (${fmt(m.sinkStats.bytes / 1024)} KiB) during the measured runs.`,
  ];
  if (!sustained)
    notes.push(
      `At ${m.halfBare}/s (half the bare proxy's max) the gateway could not keep the rate (it answered ${fmt(achieved(m.atHalfBare, 'gateway, telemetry on'))}/s): its latency there is queueing, so the added latency is also given at half the gateway's own max (${m.halfGateway}/s).`,
    );
  const details = [
    {
      title: 'Hot path: POST /v1/rates (one carrier, token cached)',
      headers: [
        'variant',
        'max req/s',
        'p99 ms at max',
        'server CPU µs per request at max (main thread)',
        `at ${m.halfBare}/s: achieved / p50 / p99 ms`,
        `at ${m.halfGateway}/s: achieved / p50 / p99 ms`,
        'non-2xx + errors',
      ],
      rows,
    },
  ];
  if (m.profile) {
    const s = m.profile.summary;
    details.push({
      title: `Where the gateway's CPU goes (node --cpu-prof, at max load, ${fmt(s.busy * 100)} % busy)`,
      headers: ['area (self time)', 'share', 'function (self time)', 'share'],
      rows: s.areas.map((a, i) => [
        a.name,
        `${fmt(a.share * 100)} %`,
        s.functions[i]?.name ?? '',
        s.functions[i] ? `${fmt(s.functions[i].share * 100)} %` : '',
      ]),
    });
  }

  return {
    id: 'hot-path',
    summary: [
      {
        scenario: 'Hot path: POST /v1/rates, one carrier, token cached, everything on (default sampler)',
        against: 'bare Hono + undici proxy; reading proxy; direct call',
        measured: `${fmt(maxOf('gateway, telemetry on'))} req/s = ${fmt(ratio)} × bare proxy (${fmt(maxOf('bare proxy'))}/s; direct ${fmt(maxOf('direct'))}/s); the reading proxy ${fmt(maxOf('reading proxy'))}/s = ${fmt(readingRatio)} × bare proxy, the gateway ${fmt(ratioToReading)} × the reading proxy`,
        goal: 'throughput ≥ 0.85 × bare proxy',
        status: goalStatus(ratio >= 0.85),
      },
      {
        scenario: 'Hot path with every span sampled',
        against: 'bare proxy',
        measured: `${fmt(maxOf('gateway, every span sampled'))} req/s = ${fmt(ratioAll)} × bare proxy`,
        goal: 'throughput ≥ 0.7 × bare proxy',
        status: goalStatus(ratioAll >= 0.7),
      },
      {
        scenario: 'Hot path: added p99 latency over direct',
        against: 'direct call at the same fixed rate',
        measured: `${signed(addedAtOwnHalf)} ms at ${m.halfGateway}/s (half the gateway's own max); ${signed(added)} ms at ${m.halfBare}/s (half the bare proxy's max${sustained ? '' : `; gateway reached ${fmt(achieved(m.atHalfBare, 'gateway, telemetry on'))}/s`})`,
        goal: "p99 added ≤ 2 ms at half the gateway's own max rate",
        status: goalStatus(addedAtOwnHalf <= 2),
      },
      {
        scenario: 'Hot path: the cost of telemetry',
        against: 'the same with telemetry off',
        measured: `${fmt(maxOf('gateway, telemetry off'))} req/s off; telemetry costs ${fmt(telemetryCost * 100)} % of max throughput at the default sampler, ${fmt(telemetryCostAll * 100)} % with every span; CPU per request ${fmt(cpuOf('gateway, telemetry on'))} µs on vs ${fmt(cpuOf('gateway, telemetry off'))} µs off (${signed(telemetryCpu * 100)} %; every span ${signed(telemetryCpuAll * 100)} %; main thread alone ${signed(telemetryMain * 100)} %); p99 at ${m.halfGateway}/s: ${fmt(p99(m.atHalfGateway, 'gateway, telemetry on'))} ms on vs ${fmt(p99(m.atHalfGateway, 'gateway, telemetry off'))} ms off`,
        goal: '≤ 10 % at the default sampler',
        status: goalStatus(telemetryCost <= 0.1),
      },
    ],
    details,
    notes,
    data: {
      plan,
      ...m,
      profile: m.profile ? { path: m.profile.path, summary: m.profile.summary } : undefined,
    },
  };
}
