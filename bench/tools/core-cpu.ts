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
 *   node bench/tools/core-cpu.ts [rates, default 20000] [tenants, default 0] [log-level, default warn]
 */
import { z } from 'zod';
import { carriers as registry } from '../../carriers/index.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import { loadConfig } from '../../src/config/load.ts';
import { composeCore } from '../../src/core/compose.ts';
import { createLogger, LOG_LEVELS } from '../../src/log/logger.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
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
const call = async () => {
  const res = await core.app.fetch(
    new Request('http://gw.local/v1/rates', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'content-length': String(body.length),
      },
      body,
    }),
  );
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.text();
};
for (let i = 0; i < 2000; i++) await call();
const before = process.cpuUsage();
const t0 = performance.now();
const CONC = 16;
let next = 0;
await Promise.all(
  Array.from({ length: CONC }, async () => {
    while (next++ < N) await call();
  }),
);
const cpu = process.cpuUsage(before);
console.log(
  `${N} rates (${TENANTS} more accounts configured, log level ${LOG_LEVEL}): ${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU each, ${(((performance.now() - t0) * 1000) / N).toFixed(1)} µs wall each`,
);
await core.close?.();
await pools.close();
await stopAll([sim]);
process.exit(0);
