/**
 * What a node flag of the gateway process buys and costs, both sides on this machine: the
 * hot path's CPU per request (`POST /v1/rates`, UPS, token cached, telemetry off, 32
 * connections; two gateways, one with the flags, alternated rounds, medians) and the scale
 * fill's RSS (100,000 accounts getting a token over HTTP through the broker, each variant in a
 * fresh process, as the `scale` scenario measures it). Made for V8's young-generation size
 * (`--max-semi-space-size`, see the README's "On Node"), usable for any flag.
 *
 *   node bench/tools/node-flag-cost.ts "<flags>" [rounds, default 6] [seconds per run, default 5] [accounts, default 100000]
 */
import { createControlClient } from '../../sandbox/control-client.ts';
import type { Child } from '../lib/child.ts';
import { GENERIC_ID } from '../lib/generic-account.ts';
import { closeLoad, runLoad } from '../lib/load.ts';
import { cpuMs } from '../lib/proc-cpu.ts';
import { callerHeaders, startGateway, startSimulator, stopAll } from '../lib/stack.ts';
import { median } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';
import { measureFill } from '../scenarios/scale.ts';

const FLAGS = (process.argv[2] ?? '').split(/\s+/).filter((flag) => flag !== '');
const ROUNDS = Number(process.argv[3] ?? 6);
const SECONDS = Number(process.argv[4] ?? 5);
const ACCOUNTS = Number(process.argv[5] ?? 100_000);
if (FLAGS.length === 0 || !FLAGS.every((flag) => flag.startsWith('--')))
  throw new Error('usage: node bench/tools/node-flag-cost.ts "<flags>" [rounds] [seconds] [accounts]');
const MB = 2 ** 20;
const label = (flags: string[]) => (flags.length === 0 ? 'no flag' : flags.join(' '));

async function hotPathCpu(): Promise<void> {
  const simulator = await startSimulator({ carriers: ['ups'] });
  const children: Child<unknown>[] = [simulator];
  try {
    const base = { simulator: simulator.ready, carriers: ['ups'] };
    const variants = [];
    for (const flags of [[], FLAGS]) {
      const gateway = await startGateway({ ...base, execArgv: flags });
      children.push(gateway);
      const target = {
        url: `${gateway.ready.url}/v1/rates`,
        headers: callerHeaders(gateway.ready),
        body: JSON.stringify(RATE_BODY),
      };
      variants.push({ flags, pid: gateway.pid, target, perRequest: [] as number[] });
    }
    // Warm-up long enough for the optimizing compiler; the first rounds still read high.
    for (const v of variants) await runLoad({ ...v.target, connections: 32, durationSec: 10 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const before = cpuMs(v.pid);
        const run = await runLoad({ ...v.target, connections: 32, durationSec: SECONDS });
        v.perRequest.push(((cpuMs(v.pid) - before) * 1000) / Math.max(1, run.responses));
      }
    }
    for (const v of variants)
      console.log(
        `hot path, ${label(v.flags)}: ${median(v.perRequest).toFixed(0)} µs CPU per request (rounds ${v.perRequest.map((x) => x.toFixed(0)).join(', ')})`,
      );
  } finally {
    await closeLoad();
    await stopAll(children);
  }
}

async function scaleRss(flags: string[]): Promise<void> {
  const simulator = await startSimulator({ genericOAuth: true });
  try {
    const control = createControlClient(`${simulator.ready.url}/_control`);
    const simAccount = simulator.ready.accounts[GENERIC_ID]?.find((a) => a.id === 'default');
    if (!simAccount) throw new Error('no default account');
    await control.setMode({ carrier: GENERIC_ID, tokenLifetimeSeconds: 24 * 3600 });
    const r = await measureFill(simulator.ready.url, simAccount, ACCOUNTS, 'http', {
      nodeFlags: flags,
      breakerAccounts: 1,
    });
    const over = (after: number, before: number) => `+${((after - before) / MB).toFixed(0)} MB`;
    console.log(
      `scale, ${label(flags)}: ${ACCOUNTS.toLocaleString('en')} accounts ${over(r.withAccounts.rssBytes, r.empty.rssBytes)} RSS after full GCs (${over(r.withAccounts.rssAfterReducingGcBytes, r.empty.rssAfterReducingGcBytes)} after a memory-reducing GC), V8 heap total ${over(r.withAccounts.heapTotalBytes, r.empty.heapTotalBytes)}`,
    );
  } finally {
    await simulator.stop();
  }
}

await hotPathCpu();
for (const flags of [[], FLAGS, [], FLAGS]) await scaleRss(flags);
