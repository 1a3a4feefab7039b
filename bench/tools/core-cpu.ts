/**
 * CPU of the gateway's own code per hot-path rate (`POST /v1/rates`, UPS, token cached), with
 * no socket on either side: the app built by the core composition is called in-process with a
 * Web Request, and carrier calls are answered with the simulator's real answer, fetched once.
 * What is left is validation, auth, breakers, mapping, reading the answer and writing the
 * JSON. Run it under `node --cpu-prof` for a profile without the network's share.
 *
 * `tenants` configures that many more UPS accounts, each with credentials of its own (the
 * gateway registers every credential for masking); `log-level` info writes the access log
 * (to nowhere: the cost measured is building the line, not the terminal's).
 *
 * Then the same rate through fewer layers, alternated over three rounds, so each layer's
 * cost is a difference: the whole app (HTTP API: routing, caller auth, validation, the
 * answer's JSON; plus this loop's Web Request and Response, measured apart), the gateway
 * service alone (failover, breakers, budget, health, events), the carrier's rate alone
 * (upstream client and mapping), and the carrier answer's JSON parse.
 *
 *   node bench/tools/core-cpu.ts [rates, default 20000] [tenants, default 0] [log-level, default warn]
 */
import { z } from 'zod';
import { carriers as registry } from '../../carriers/index.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { parseCarrierJson } from '../../src/carrier/json.ts';
import { loadConfig } from '../../src/config/load.ts';
import { composeCore } from '../../src/core/compose.ts';
import { RateRequest } from '../../src/domain/shipment.ts';
import { createLogger, LOG_LEVELS } from '../../src/log/logger.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createUpstreamClient } from '../../src/upstream/client.ts';
import type { UpstreamTransport } from '../../src/upstream/transport.ts';
import { startSimulator, stopAll } from '../lib/stack.ts';
import { RATE_BODY } from '../lib/wire.ts';

const N = Number(process.argv[2] ?? 20000);
const TENANTS = Number(process.argv[3] ?? 0);
const LOG_LEVEL = z.enum(LOG_LEVELS).parse(process.argv[4] ?? 'warn');
const sim = await startSimulator({ carriers: ['ups'] });
const ups = registry.filter((c) => c.id === 'ups');
const accounts = (sim.ready.accounts.ups ?? []).map((a) =>
  sandboxAccount(ups[0]!, a, `${sim.ready.url}/ups`),
);
const template = accounts[0];
if (template === undefined) throw new Error('the simulator has no UPS account');
for (let i = 0; i < TENANTS; i++) {
  const secrets = Object.fromEntries(Object.entries(template.secrets).map(([k, v]) => [k, `${v}-t${i}`]));
  accounts.push({ ...template, id: `tenant-${i}`, secrets });
}
const { config } = await loadConfig({ env: {}, registry: ups });
const pools = createNodeUpstreamTransport();
const real = pools.transportFor(3000);
let canned: { status: number; headers: Record<string, string>; body: Uint8Array } | undefined;
const cannedTransport: UpstreamTransport = async (req) => {
  if (!canned) canned = await real(req);
  return { status: canned.status, headers: canned.headers, body: canned.body };
};
const apiKey = 'sk_bench_core_0123456789abcdef';
const core = await composeCore(
  {
    tokens: createMemoryTokenStore(),
    transport: { transportFor: () => cannedTransport, fetchFor: () => fetch, tokenTransport: real },
  },
  {
    config,
    accounts,
    apiKeys: [apiKey],
    registry: ups,
    logger: createLogger({ level: LOG_LEVEL, write: () => {} }),
  },
);
const body = JSON.stringify({ ...RATE_BODY });
const request = () =>
  new Request('http://gw.local/v1/rates', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'content-length': String(body.length),
    },
    body,
  });
const call = async () => {
  const res = await core.app.fetch(request());
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.text();
};
/** CPU and wall time per call of `fn`, 16 at a time, after a warm-up. */
async function measure(fn: () => Promise<unknown>, count: number, warmUp: number) {
  for (let i = 0; i < warmUp; i++) await fn();
  const before = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < count) await fn();
    }),
  );
  const cpu = process.cpuUsage(before);
  return { cpuUs: (cpu.user + cpu.system) / count, wallUs: ((performance.now() - t0) * 1000) / count };
}

const whole = await measure(call, N, 2000);
console.log(
  `${N} rates (${TENANTS} more accounts configured, log level ${LOG_LEVEL}): ${whole.cpuUs.toFixed(1)} µs CPU each, ${whole.wallUs.toFixed(1)} µs wall each`,
);

const carrier = ups[0];
if (!carrier || !canned) throw new Error('no UPS carrier or canned answer');
const answerBytes = canned.body;
const parsed = RateRequest.parse(RATE_BODY);
const broker = createCredentialBroker({ store: createMemoryTokenStore(), profileOf: () => carrier.auth });
const carrierContext = createUpstreamClient({ broker, transport: cannedTransport }).context(
  carrier,
  template,
);
const layers = {
  'whole app (app.fetch)': call,
  'gateway service (gateway.rates)': () => core.gateway.rates(parsed, {}),
  'carrier rate (client and mapping)': () => carrier.rate(carrierContext, parsed),
  "the answer's JSON parse": async () => parseCarrierJson(new TextDecoder().decode(answerBytes)),
};
// What the loop itself adds to the whole app's figure: a Web Request in, a Response read out
// (the Node server's adapter builds a lighter request than this).
const ownLoop = async () => {
  await request().text();
  await new Response(JSON.stringify({ rates: [] }), {
    headers: { 'content-type': 'application/json' },
  }).text();
};
const perLayer = new Map<string, number[]>();
for (let round = 0; round < 3; round++)
  for (const [name, fn] of Object.entries(layers)) {
    const { cpuUs } = await measure(fn, Math.ceil(N / 4), 1000);
    perLayer.set(name, [...(perLayer.get(name) ?? []), cpuUs]);
  }
const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const loopCpu = await measure(ownLoop, Math.ceil(N / 4), 1000);
const layerCpu = [...perLayer].map(([name, xs]) => [name, middle(xs)] as const);
console.log('CPU per rate by layer (median of 3 alternated rounds; each layer includes those below it):');
for (const [index, [name, us]] of layerCpu.entries()) {
  const below = layerCpu[index + 1]?.[1];
  console.log(
    `  ${name}: ${us.toFixed(1)} µs${below === undefined ? '' : ` (its own: ${(us - below).toFixed(1)} µs)`}`,
  );
}
console.log(
  `  of the whole app's, this loop's own Web Request and Response: ~${loopCpu.cpuUs.toFixed(1)} µs`,
);
await core.close?.();
await pools.close();
await stopAll([sim]);
process.exit(0);
