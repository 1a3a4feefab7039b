/**
 * The whole gateway over real HTTP: the Node server on an ephemeral port, built by the same
 * composition root as `npm start`, in front of the carrier simulators on loopback.
 */
import { carriers as registry } from '../../carriers/index.ts';
import { SANDBOX_FALLBACKS } from '../../sandbox/fallbacks.ts';
import { sandboxAccount } from '../../sandbox/gateway-accounts.ts';
import type { SimulatorFactory } from '../../sandbox/kit/types.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger, type Logger } from '../../src/log/logger.ts';
import type { BudgetSettings } from '../../src/resilience/budget.ts';
import { type CarrierPolicy, DEFAULT_POLICY } from '../../src/resilience/settings.ts';
import { type Composed, composeGateway } from '../../src/runtime/node/compose.ts';
import { startServer } from '../../src/runtime/node/server.ts';
import { type HttpAnswer, requestJson } from './http.ts';

export interface GatewayHarnessOptions {
  /** Carrier ids to run (default: every registered carrier). */
  carriers?: readonly string[];
  /** Fallback chains (default: the sandbox ones). */
  fallbacks?: Readonly<Record<string, readonly string[]>>;
  /** Resilience settings replacing the defaults for every carrier. */
  policy?: Partial<Omit<CarrierPolicy, 'fallbacks'>>;
  budget?: BudgetSettings;
  logger?: Logger;
  /** Adjusts a carrier's sandbox accounts (the first one is the carrier's default account). */
  accounts?: (carrier: string, accounts: ResolvedAccount[]) => ResolvedAccount[];
  /** The breakers' own clock (see ComposeOptions.breakerClock). */
  breakerClock?: () => number;
}

export type { HttpAnswer } from './http.ts';

export interface GatewayHarness {
  url: string;
  apiKey: string;
  composed: Composed;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  control: Awaited<ReturnType<typeof startSandbox>>['control'];
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const carriers = options.carriers ? registry.filter((c) => options.carriers?.includes(c.id)) : registry;
  const simulators: Record<string, SimulatorFactory> = {};
  for (const carrier of carriers) {
    const module = (await import(`../../carriers/${carrier.id}/simulator/index.ts`)) as {
      createSimulator: SimulatorFactory;
    };
    simulators[carrier.id] = module.createSimulator;
  }
  const sandbox = await startSandbox({ simulators });
  const accounts = carriers.flatMap((c) => {
    const resolved = sandbox.accounts(c.id).map((a) => sandboxAccount(c, a, sandbox.baseUrl(c.id)));
    return options.accounts ? options.accounts(c.id, resolved) : resolved;
  });
  const { config } = await loadConfig({ env: {}, registry: carriers });
  const apiKey = `sk_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const fallbacks = options.fallbacks ?? SANDBOX_FALLBACKS;
  const policies: Record<string, CarrierPolicy> = {};
  for (const carrier of carriers) {
    policies[carrier.id] = {
      ...DEFAULT_POLICY,
      ...options.policy,
      fallbacks: (fallbacks[carrier.id] ?? []).filter((id) => carriers.some((c) => c.id === id)),
    };
  }
  const composed = await composeGateway({
    config,
    accounts,
    apiKeys: [apiKey],
    registry: carriers,
    policies,
    logger: options.logger ?? createLogger({ level: 'error', write: () => undefined }),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.breakerClock ? { breakerClock: options.breakerClock } : {}),
  });
  const server = await startServer({
    app: composed.app,
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs: 2_000,
  });

  return {
    url: server.url,
    apiKey,
    composed,
    sandbox,
    control: sandbox.control,
    request: <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      requestJson<T>(fetch, `${server.url}${path}`, method, { key: apiKey, body, headers }),
    async close() {
      await server.close();
      await composed.close();
      await sandbox.close();
    },
  };
}

/** Addresses for common routes in tests (the sandbox's sample addresses). */
export { SAMPLE_ADDRESSES as ADDRESSES } from '../../sandbox/examples.ts';
