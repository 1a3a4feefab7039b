/**
 * CPU time per hot-path request (`POST /v1/rates`, UPS, token cached) of the Worker in workerd
 * beside the Node gateway's, read from /proc/<pid>/stat around each run: the workerd process
 * Miniflare starts (the Worker and its Durable Objects, as a deployment is billed for both) and
 * the Node gateway process, telemetry off in both, 32 connections, 3 alternated rounds, medians.
 * The Worker is reached twice: through Miniflare's entry worker (the local proxy that rebuilds
 * every request, which a deployment does not run) and on a socket of its own.
 * Both call the same UPS simulator process. workerd here is the local runtime, not Cloudflare's
 * edge: the figure compares code paths, not an invoice. Linux only.
 *
 *   node bench/tools/worker-cpu.ts [seconds per run, default 3]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorker } from '../../scripts/build-worker.ts';
import { startWorker, workerConfig } from '../../test/worker/support/worker-harness.ts';
import type { Child } from '../lib/child.ts';
import { closeLoad, runLoad } from '../lib/load.ts';
import { cpuMs, statFields } from '../lib/proc-cpu.ts';
import { callerHeaders, startGateway, startSimulator, stopAll } from '../lib/stack.ts';
import { median } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = 3;

/** The workerd process Miniflare started: a child of this process named workerd. */
function workerdPid(): number {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm === 'workerd' && Number(statFields(pid)[1]) === process.pid) return pid;
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('no workerd child process found');
}

const simulator = await startSimulator({ carriers: ['ups'] });
const children: Child<unknown>[] = [simulator];
const outdir = await mkdtemp(join(tmpdir(), 'cg-worker-cpu-'));
let disposeWorker: (() => Promise<void>) | undefined;
try {
  const ready = simulator.ready;
  const first = ready.accounts.ups?.[0];
  if (!first) throw new Error('the simulator has no UPS account');
  const sandbox = {
    accounts: (id: string) => ready.accounts[id] ?? [],
    baseUrl: (id: string) => `${ready.url}/${id}`,
  };
  const { config, secrets } = workerConfig(sandbox, {
    carriers: ['ups'],
    accounts: () => [{ account: first }],
  });
  const worker = await startWorker({
    bundle: await buildWorker({ outdir }),
    config,
    secrets,
    directSocket: true,
  });
  disposeWorker = () => worker.dispose();
  const workerUrl = (await worker.mf.ready).toString().replace(/\/$/, '');
  const directUrl = (await worker.mf.unsafeGetDirectURL('gateway')).toString().replace(/\/$/, '');
  const gateway = await startGateway({ simulator: ready, carriers: ['ups'] });
  children.push(gateway);
  const body = JSON.stringify(RATE_BODY);
  const headers = { authorization: `Bearer ${worker.apiKey}`, 'content-type': 'application/json' };
  const variants = [
    {
      name: "Worker (workerd, through Miniflare's entry worker)",
      pid: workerdPid(),
      target: { url: `${workerUrl}/v1/rates`, headers, body },
    },
    {
      name: 'Worker (workerd, its own socket)',
      pid: workerdPid(),
      target: { url: `${directUrl}/v1/rates`, headers, body },
    },
    {
      name: 'Node gateway',
      pid: gateway.pid,
      target: { url: `${gateway.ready.url}/v1/rates`, headers: callerHeaders(gateway.ready), body },
    },
  ].map((v) => ({ ...v, perRequest: [] as number[], errors: 0 }));

  for (const v of variants) await runLoad({ ...v.target, connections: 8, durationSec: 2 }); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      const before = cpuMs(v.pid);
      const run = await runLoad({ ...v.target, connections: 32, durationSec: SECONDS });
      v.errors +=
        run.errors +
        Object.entries(run.status).reduce(
          (n, [status, count]) => n + (status.startsWith('2') ? 0 : count),
          0,
        );
      v.perRequest.push(((cpuMs(v.pid) - before) * 1000) / Math.max(1, run.responses));
    }
  }
  for (const v of variants)
    console.log(
      `${v.name}: ${median(v.perRequest).toFixed(0)} µs CPU per request (rounds ${v.perRequest.map((x) => x.toFixed(0)).join(', ')}; ${v.errors} non-2xx or errors)`,
    );
} finally {
  await closeLoad();
  await disposeWorker?.();
  await stopAll(children);
  await rm(outdir, { recursive: true, force: true });
}
