/**
 * CPU time per request of the server under test on the hot path (`POST /v1/rates`, UPS, token
 * cached), read from /proc/<pid>/stat around each run: the bare proxy, the reading proxy (the
 * JSON work any translating gateway does, and nothing else), the gateway with
 * telemetry on (default sampler), with the SDK on but sampling no trace (`always_off`: metrics
 * and context only) and off, 32 connections, alternated rounds, medians; then each variant's CPU
 * by kind of thread (the main thread against V8's helpers, which a CPU profile does not show).
 *
 * On a shared machine throughput follows whatever else runs; the CPU a process spends per
 * request moves much less, so the CPU ratio bare proxy / gateway stands in for the throughput
 * ratio when the machine is busy. Linux only.
 *
 *   node bench/tools/hot-path-cpu.ts [seconds per run, default 3] [rounds, default 3]
 */
import type { Child } from '../lib/child.ts';
import { closeLoad, runLoad } from '../lib/load.ts';
import { cpuMs, threadCpuMs } from '../lib/proc-cpu.ts';
import {
  callerHeaders,
  startBareProxy,
  startGateway,
  startReadingProxy,
  startSimulator,
  startSink,
  stopAll,
} from '../lib/stack.ts';
import { median } from '../lib/stats.ts';
import { captureWireRequest, RATE_BODY } from '../lib/wire.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 3);

const simulator = await startSimulator({ carriers: ['ups'] });
const sink = await startSink();
const children: Child<unknown>[] = [simulator, sink];
try {
  const simAccount = simulator.ready.accounts.ups?.[0];
  if (!simAccount) throw new Error('the simulator has no UPS account');
  const wire = await captureWireRequest('ups', simAccount, simulator.ready.url);
  const base = { simulator: simulator.ready, carriers: ['ups'] };
  const on = await startGateway({ ...base, otlpEndpoint: sink.ready.url });
  const nothing = await startGateway({ ...base, otlpEndpoint: sink.ready.url, sampler: 'always_off' });
  const off = await startGateway(base);
  const proxy = await startBareProxy(simulator.ready.url);
  const reading = await startReadingProxy(simulator.ready.url, wire);
  children.push(on, nothing, off, proxy, reading);
  const gatewayTarget = (g: typeof on) => ({
    url: `${g.ready.url}/v1/rates`,
    headers: callerHeaders(g.ready),
    body: JSON.stringify(RATE_BODY),
  });
  const variants = [
    {
      name: 'bare proxy',
      pid: proxy.pid,
      target: { url: `${proxy.ready.url}${wire.path}`, headers: wire.headers, body: wire.body },
    },
    {
      name: 'reading proxy',
      pid: reading.pid,
      target: {
        url: `${reading.ready.url}/v1/rates`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(RATE_BODY),
      },
    },
    { name: 'gateway, telemetry on', pid: on.pid, target: gatewayTarget(on) },
    { name: 'gateway, SDK on, sampling nothing', pid: nothing.pid, target: gatewayTarget(nothing) },
    { name: 'gateway, telemetry off', pid: off.pid, target: gatewayTarget(off) },
  ].map((v) => ({ ...v, perRequest: [] as number[], threadMs: new Map<string, number>(), responses: 0 }));

  // Warm-up long enough for the optimizing compiler (shorter ones left the first rounds high).
  for (const v of variants) await runLoad({ ...v.target, connections: 32, durationSec: 10 });
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      const before = cpuMs(v.pid);
      const threadsBefore = threadCpuMs(v.pid);
      const run = await runLoad({ ...v.target, connections: 32, durationSec: SECONDS });
      v.perRequest.push(((cpuMs(v.pid) - before) * 1000) / Math.max(1, run.responses));
      for (const [kind, ms] of threadCpuMs(v.pid))
        v.threadMs.set(kind, (v.threadMs.get(kind) ?? 0) + ms - (threadsBefore.get(kind) ?? 0));
      v.responses += run.responses;
    }
  }
  for (const v of variants)
    console.log(
      `${v.name}: ${median(v.perRequest).toFixed(0)} µs CPU per request (rounds ${v.perRequest.map((x) => x.toFixed(0)).join(', ')})`,
    );
  for (const v of variants) {
    const kinds = [...v.threadMs]
      .map(([kind, ms]) => [kind, (ms * 1000) / Math.max(1, v.responses)] as const)
      .filter(([, us]) => us >= 1)
      .map(([kind, us]) => `${kind} ${us.toFixed(0)} µs`);
    console.log(`  ${v.name}, by thread over all rounds: ${kinds.join(', ')}`);
  }
  const [bare, readingProxy, gatewayOn, , gatewayOff] = variants.map((v) => median(v.perRequest));
  if (bare !== undefined && readingProxy !== undefined && gatewayOn !== undefined && gatewayOff !== undefined)
    console.log(
      `CPU per request, bare proxy / gateway: ${(bare / gatewayOn).toFixed(2)} (telemetry on), ${(bare / gatewayOff).toFixed(2)} (off); bare / reading proxy ${(bare / readingProxy).toFixed(2)}; reading proxy / gateway ${(readingProxy / gatewayOn).toFixed(2)} (on)`,
    );
} finally {
  await closeLoad();
  await stopAll(children);
}
