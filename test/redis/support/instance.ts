/**
 * One gateway instance as its own process, for the multi-instance tests: the real
 * composition root with the Redis store (any topology), against simulators whose accounts
 * arrive in INSTANCE_CONFIG (JSON), or in the file INSTANCE_CONFIG_FILE names (a thousand
 * accounts exceed what one environment variable may hold). Prints `{"event":"instance.ready","url":...}` once it listens;
 * every log line goes to stdout as JSON. Two test-only routes drive the broker directly:
 * POST /_test/credential (the account's token, as a carrier call would get it: its
 * fingerprint and expiry) and POST /_test/refresh (a forced refresh, as a use-time 401 does).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { carriers as registry } from '../../../carriers/index.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { type CarrierPolicy, DEFAULT_POLICY } from '../../../src/resilience/settings.ts';
import { type Composed, composeGateway } from '../../../src/runtime/node/compose.ts';
import { startServer } from '../../../src/runtime/node/server.ts';

const BreakerSettings = z.object({
  errorThresholdPercentage: z.number(),
  volumeThreshold: z.number(),
  rollingWindowMs: z.number(),
  resetTimeoutMs: z.number(),
});

export const InstanceConfig = z.object({
  /** The store block: url, and cluster, sentinel or tls settings. */
  store: z.object({
    url: z.string(),
    cluster: z.object({ nodes: z.array(z.string()) }).optional(),
    sentinel: z.object({ masterName: z.string(), nodes: z.array(z.string()) }).optional(),
    tls: z
      .object({ ca: z.string(), cert: z.string(), key: z.string(), serverName: z.string() })
      .partial()
      .optional(),
  }),
  namespace: z.string(),
  encryptionKey: z.object({ id: z.string(), key: z.string() }),
  apiKey: z.string(),
  adminKey: z.string(),
  carriers: z.array(z.string()),
  accounts: z.array(z.custom<ResolvedAccount>((v) => typeof v === 'object' && v !== null)),
  tokenCallTimeoutMs: z.number().optional(),
  tuning: z
    .object({
      lockTtlMs: z.number().optional(),
      pollMs: z.number().optional(),
      idempotencyWaitMs: z.number().optional(),
      idempotencyPendingTtlMs: z.number().optional(),
      probeLockMs: z.number().optional(),
      commandTimeoutMs: z.number().optional(),
      replicaAckTimeoutMs: z.number().optional(),
    })
    .default({}),
  authBreaker: BreakerSettings.optional(),
  /** The configuration's `alerts` block (windows, thresholds, the webhook with its secret). */
  alerts: z.record(z.string(), z.unknown()).optional(),
  /** The configuration's probe interval (`probes.intervalMs`). */
  probeIntervalMs: z.number().optional(),
  /** Upstream timeouts replacing the defaults (bursts on a busy machine need longer connects). */
  timeouts: z
    .object({ connectMs: z.number(), totalMs: z.number(), tokenMs: z.number() })
    .partial()
    .optional(),
});
export type InstanceConfig = z.infer<typeof InstanceConfig>;

const file = process.env.INSTANCE_CONFIG_FILE;
const input = InstanceConfig.parse(
  JSON.parse(file ? readFileSync(file, 'utf8') : (process.env.INSTANCE_CONFIG ?? '{}')),
);
const carriers = registry.filter((c) => input.carriers.includes(c.id));
const { config } = await loadConfig({ env: {}, registry: carriers });
config.adminKeys = [input.adminKey];
config.store = {
  kind: 'redis',
  ...input.store,
  namespace: input.namespace,
  encryptionKeys: [input.encryptionKey],
};
if (input.alerts) config.alerts = input.alerts as typeof config.alerts;
if (input.probeIntervalMs !== undefined) config.probes.intervalMs = input.probeIntervalMs;
const policies: Record<string, CarrierPolicy> = {};
for (const carrier of carriers) {
  policies[carrier.id] = {
    ...DEFAULT_POLICY,
    fallbacks: [],
    breaker: { ...DEFAULT_POLICY.breaker, ...(input.authBreaker ? { auth: input.authBreaker } : {}) },
    timeouts: { ...DEFAULT_POLICY.timeouts, ...input.timeouts },
  };
}
const logger = createLogger({ level: 'info', write: (line) => process.stdout.write(`${line}\n`) });
const accountOf = (carrier: string, id: string) =>
  input.accounts.find((a) => a.carrier === carrier && a.id === id);
const AccountRef = z.object({ carrier: z.string(), account: z.string() });

let composed: Composed | undefined;
composed = await composeGateway({
  config,
  accounts: input.accounts,
  apiKeys: [input.apiKey],
  registry: carriers,
  policies,
  logger,
  sharedTuning: input.tuning,
  // Background monitoring (probes, alerts) as in production, when the test configures it.
  ...(input.alerts !== undefined || input.probeIntervalMs !== undefined ? { health: {} } : {}),
  ...(input.tokenCallTimeoutMs !== undefined ? { tokenCallTimeoutMs: input.tokenCallTimeoutMs } : {}),
  extraRoutes: (app) => {
    app.post('/_test/credential', async (c) => {
      const ref = AccountRef.parse(await c.req.json());
      const account = accountOf(ref.carrier, ref.account);
      if (!account || !composed) return c.json({ error: 'unknown account' }, 404);
      const credential = await composed.broker.credential(account, 'primary');
      return c.json({ fingerprint: credential.fingerprint, expiresAt: credential.expiresAt });
    });
    app.post('/_test/refresh', async (c) => {
      const ref = AccountRef.parse(await c.req.json());
      const account = accountOf(ref.carrier, ref.account);
      if (!account || !composed) return c.json({ error: 'unknown account' }, 404);
      const before = await composed.broker.credential(account, 'primary');
      const after = await composed.broker.rejected(account, 'primary', before.fingerprint);
      return c.json({ before: before.fingerprint, after: after.fingerprint });
    });
  },
});
const server = await startServer({ app: composed.app, port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 });
process.stdout.write(`${JSON.stringify({ event: 'instance.ready', url: server.url, pid: process.pid })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await server.close().catch(() => undefined);
    await composed?.close().catch(() => undefined);
    process.exit(0);
  })();
});
