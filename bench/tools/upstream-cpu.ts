/**
 * CPU time per carrier call, by upstream transport: the UPS rate mapping through the real
 * upstream client (token cached, telemetry off), 32 calls at a time against the simulator
 * in its own process, once over undici's WHATWG fetch (adapted to the transport port, the
 * way carrier calls went before the narrow contract) and once over the Node transport
 * (`undici.request` over pools). Rounds alternate; the median is printed.
 *
 * CPU per call, unlike throughput, holds on a shared machine: other work slows the wall
 * clock, not the process's own CPU seconds (cache effects aside).
 *
 *   node bench/tools/upstream-cpu.ts [calls per round, default 3000] [rounds, default 5]
 */
import { carriers } from '../../carriers/index.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { RateRequest } from '../../src/domain/shipment.ts';
import { createNodeUpstreamFetch } from '../../src/runtime/node/upstream-fetch.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createUpstreamClient } from '../../src/upstream/client.ts';
import { transportFromFetch, type UpstreamTransport } from '../../src/upstream/transport.ts';
import { startSimulator } from '../lib/stack.ts';
import { median } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';

const CALLS = Number(process.argv[2] ?? 3000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CONCURRENCY = 32;

const simulator = await startSimulator({ carriers: ['ups'] });
const ups = carriers.find((c) => c.id === 'ups') as CarrierDefinition;
const simAccount = simulator.ready.accounts.ups?.[0];
if (!simAccount) throw new Error('the simulator has no UPS account');
const account = sandboxAccount(ups, simAccount, `${simulator.ready.url}/ups`);
const broker = createCredentialBroker({ store: createMemoryTokenStore(), profileOf: () => ups.auth });
const request = RateRequest.parse(RATE_BODY);

const fetches = createNodeUpstreamFetch();
const pools = createNodeUpstreamTransport();
const variants: [string, UpstreamTransport][] = [
  ['undici fetch (WHATWG)', transportFromFetch(fetches.fetchFor(3_000))],
  ['undici.request pools', pools.transportFor(3_000)],
];
const clients = variants.map(([name, transport]) => ({
  name,
  client: createUpstreamClient({ broker, transport }),
  cpu: [] as number[],
  rate: [] as number[],
}));

async function calls(client: ReturnType<typeof createUpstreamClient>, n: number): Promise<void> {
  let next = 0;
  const one = async () => {
    // Each call carries a caller signal, as the API's do.
    while (next++ < n) await ups.rate(client.context(ups, account, new AbortController().signal), request);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, one));
}

for (const { client } of clients) await calls(client, CALLS / 2); // warm-up: JIT, sockets, token
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? clients : [...clients].reverse();
  for (const variant of order) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await calls(variant.client, CALLS);
    const cpu = process.cpuUsage(cpu0);
    variant.cpu.push((cpu.user + cpu.system) / CALLS);
    variant.rate.push(CALLS / ((performance.now() - t0) / 1000));
  }
}

const [before, after] = clients;
for (const v of clients)
  console.log(
    `${v.name}: ${median(v.cpu).toFixed(0)} µs CPU per call (median of ${ROUNDS}; rounds ${v.cpu.map((c) => c.toFixed(0)).join(', ')}), ${median(v.rate).toFixed(0)} calls/s wall`,
  );
if (before && after)
  console.log(
    `CPU per call over pools: ${(median(after.cpu) / median(before.cpu)).toFixed(2)} × the WHATWG fetch's`,
  );
await Promise.all([fetches.close(), pools.close(), simulator.stop()]);
