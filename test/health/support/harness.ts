/**
 * The whole gateway over real HTTP for health tests: the same composition root as
 * `npm start`, with an admin key, health options (short intervals, a webhook, a reload
 * source) and the carrier simulators on loopback.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { SAMPLE_ADDRESSES as ADDRESSES } from '../../../sandbox/examples.ts';
import { SANDBOX_FALLBACKS } from '../../../sandbox/fallbacks.ts';
import { sandboxAccount } from '../../../sandbox/gateway-accounts.ts';
import type { SimulatorFactory } from '../../../sandbox/kit/types.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { GatewayConfig } from '../../../src/config/schema.ts';
import type { HealthOptions as HealthComposeOptions } from '../../../src/core/compose.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { type CarrierPolicy, DEFAULT_POLICY } from '../../../src/resilience/settings.ts';
import { type Composed, composeGateway } from '../../../src/runtime/node/compose.ts';
import { startServer } from '../../../src/runtime/node/server.ts';
import { type HttpAnswer as Answer, requestJson } from '../../support/http.ts';

export interface HealthHarnessOptions {
  carriers?: readonly string[];
  health?: HealthComposeOptions;
  policy?: Partial<Omit<CarrierPolicy, 'fallbacks'>>;
  /** Adjusts the configuration (alerts, rotation policies...). */
  config?: (config: GatewayConfig) => GatewayConfig;
  /** Adjusts a carrier's sandbox accounts. */
  accounts?: (carrier: string, accounts: ResolvedAccount[]) => ResolvedAccount[];
  /** The Prometheus exposition: /metrics is served when given. */
  metrics?: () => Promise<string>;
}

export type { HttpAnswer as Answer } from '../../support/http.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface HealthHarness {
  url: string;
  apiKey: string;
  adminKey: string;
  composed: Composed;
  sandbox: Sandbox;
  control: Sandbox['control'];
  accounts: ResolvedAccount[];
  logLines: Record<string, unknown>[];
  /** A request with the caller key (or `key`: another key, or null for none). */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  /** A request with the admin key. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startHealthHarness(options: HealthHarnessOptions = {}): Promise<HealthHarness> {
  const carriers = options.carriers ? registry.filter((c) => options.carriers?.includes(c.id)) : registry;
  const simulators: Record<string, SimulatorFactory> = {};
  for (const carrier of carriers) {
    const module = (await import(`../../../carriers/${carrier.id}/simulator/index.ts`)) as {
      createSimulator: SimulatorFactory;
    };
    simulators[carrier.id] = module.createSimulator;
  }
  const sandbox = await startSandbox({ simulators });
  const accounts = carriers.flatMap((c) => {
    const resolved = sandbox.accounts(c.id).map((a) => sandboxAccount(c, a, sandbox.baseUrl(c.id)));
    return options.accounts ? options.accounts(c.id, resolved) : resolved;
  });
  const apiKey = `sk_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const adminKey = `sk_admin_${crypto.randomUUID().replaceAll('-', '')}`;
  const loaded = (await loadConfig({ env: {}, registry: carriers })).config;
  const base: GatewayConfig = { ...loaded, adminKeys: [adminKey] };
  const config = options.config ? options.config(base) : base;
  const policies: Record<string, CarrierPolicy> = {};
  for (const carrier of carriers) {
    policies[carrier.id] = {
      ...DEFAULT_POLICY,
      ...options.policy,
      fallbacks: (SANDBOX_FALLBACKS[carrier.id] ?? []).filter((id) => carriers.some((c) => c.id === id)),
    };
  }
  const logLines: Record<string, unknown>[] = [];
  const composed = await composeGateway({
    config,
    accounts,
    apiKeys: [apiKey],
    registry: carriers,
    policies,
    logger: createLogger({
      level: 'info',
      write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    ...(options.health ? { health: options.health } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const server = await startServer({
    app: composed.app,
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs: 2_000,
  });

  const send = <T>(
    method: string,
    path: string,
    body: unknown,
    key: string | null,
    headers: Record<string, string> = {},
  ) => requestJson<T>(fetch, `${server.url}${path}`, method, { key, body, headers });

  return {
    url: server.url,
    apiKey,
    adminKey,
    composed,
    sandbox,
    control: sandbox.control,
    accounts,
    logLines,
    request: (method, path, body, o = {}) =>
      send(method, path, body, o.key === undefined ? apiKey : o.key, o.headers),
    admin: (method, path, body) => send(method, path, body, adminKey),
    async close() {
      await server.close();
      await composed.close();
      await sandbox.close();
    },
  };
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const RATE_BODY = (carriers: string[]) => ({
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [
    { weight: { value: 1.2, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
  carriers,
});
