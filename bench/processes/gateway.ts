/**
 * Benchmark process: the real gateway, built by the same composition root as `npm start`
 * (validation, caller auth, breakers, failover budget, broker), served by the Node server,
 * in front of a simulator process. Telemetry is the real Node SDK, configured by the OTEL_*
 * variables the parent sets (an OTLP sink on loopback), or off when none are set.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from '@hono/zod-openapi';
import { carriers as registry } from '../../carriers/index.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log/logger.ts';
import { type CarrierPolicy, DEFAULT_POLICY } from '../../src/resilience/settings.ts';
import { composeGateway } from '../../src/runtime/node/compose.ts';
import { startServer } from '../../src/runtime/node/server.ts';
import { startNodeTelemetry } from '../../src/runtime/node/telemetry.ts';
import { serveRpc, settingsOf } from '../lib/rpc.ts';

const BreakerPatch = z
  .object({
    errorThresholdPercentage: z.number().optional(),
    volumeThreshold: z.number().int().optional(),
    rollingWindowMs: z.number().int().optional(),
    resetTimeoutMs: z.number().int().optional(),
  })
  .default({});

const Settings = z.object({
  simulatorUrl: z.string(),
  accounts: z.record(
    z.string(),
    z.array(
      z.object({
        id: z.string(),
        secrets: z.record(z.string(), z.string()),
        settings: z.record(z.string(), z.string()).optional(),
      }),
    ),
  ),
  carriers: z.array(z.string()).min(1),
  fallbacks: z.record(z.string(), z.array(z.string())).default({}),
  breaker: z.object({ auth: BreakerPatch, api: BreakerPatch }).default({ auth: {}, api: {} }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
  /** Shared state in Redis, as a fleet runs (tokens sealed with a bench key); else memory stores. */
  redis: z.object({ url: z.string(), namespace: z.string() }).optional(),
});

export interface GatewayReady {
  url: string;
  apiKey: string;
  telemetry: boolean;
}

const settings = settingsOf(Settings);
const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const telemetry = startNodeTelemetry({
  env: process.env,
  serviceVersion: packageJson.version,
  environment: 'sandbox',
  prometheus: false,
});

const carriers = registry.filter((c) => settings.carriers.includes(c.id));
const accounts = carriers.flatMap((c) =>
  (settings.accounts[c.id] ?? []).map((a) => sandboxAccount(c, a, `${settings.simulatorUrl}/${c.id}`)),
);
const loaded = await loadConfig({ env: {}, registry: carriers });
const config = settings.redis
  ? {
      ...loaded.config,
      store: {
        kind: 'redis' as const,
        ...settings.redis,
        encryptionKeys: [{ id: 'bench', key: randomBytes(32).toString('base64') }],
      },
    }
  : loaded.config;
const policies: Record<string, CarrierPolicy> = {};
for (const carrier of carriers) {
  policies[carrier.id] = {
    ...DEFAULT_POLICY,
    breaker: {
      auth: { ...DEFAULT_POLICY.breaker.auth, ...settings.breaker.auth },
      api: { ...DEFAULT_POLICY.breaker.api, ...settings.breaker.api },
    },
    fallbacks: settings.fallbacks[carrier.id] ?? [],
  };
}
const apiKey = `sk_bench_${crypto.randomUUID().replaceAll('-', '')}`;
const composed = await composeGateway({
  config,
  accounts,
  apiKeys: [apiKey],
  registry: carriers,
  policies,
  logger: createLogger({ level: settings.logLevel, write: (line) => process.stderr.write(`${line}\n`) }),
});
const server = await startServer({ app: composed.app, port: 0, host: '127.0.0.1', shutdownTimeoutMs: 2_000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Memory after full GCs and an idle pause (needs --expose-gc), for the steady-state scenario. */
async function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('start the gateway with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  await sleep(2_000);
  gc();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal };
}

serveRpc(
  { url: server.url, apiKey, telemetry: telemetry.active } satisfies GatewayReady,
  { memory },
  async () => {
    await server.close();
    await composed.close();
    await telemetry.shutdown();
  },
);
