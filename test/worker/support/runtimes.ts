/**
 * One gateway configuration run on both runtimes, each in front of its own simulators and
 * webhook receiver: the Node composition (health driven by hand, as its timers would) and
 * the Worker bundle in workerd (health driven by Cron Trigger events). A row of a parity
 * table gets the same `Runtime` either way.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import type { SimAccount, SimulatorFactory } from '../../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import type { WorkerBundle } from '../../../scripts/build-worker.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { composeGateway } from '../../../src/runtime/node/compose.ts';
import { startServer } from '../../../src/runtime/node/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../health/support/webhook-receiver.ts';
import { startWorker } from './worker-harness.ts';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface Runtime {
  name: 'node' | 'workers';
  sandbox: Sandbox;
  receiver: WebhookReceiver;
  /** The configured client-credentials account of UPS. */
  mainAccount: string;
  /** A request to the gateway; `key` 'api' (default), 'admin' or 'none'. */
  send(
    method: string,
    path: string,
    options?: { body?: unknown; key?: 'api' | 'admin' | 'none'; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** Health's periodic work once, as a timer (Node) or a Cron Trigger (Workers) runs it. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export const CONNECT_ACCOUNT = 'pkce';
export const PUBLIC_URL = 'http://gateway.test';

const varName = (...parts: string[]) =>
  parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');

export async function upsSandbox(): Promise<Sandbox> {
  const module = (await import('../../../carriers/ups/simulator/index.ts')) as {
    createSimulator: SimulatorFactory;
  };
  return startSandbox({ simulators: { ups: module.createSimulator }, consentPage: true });
}

/**
 * UPS with a client-credentials account and an authorization-code account already connected
 * once (as sandbox mode has it); probes and evaluation due on every tick; a signed webhook.
 */
export function gatewayConfig(sandbox: Sandbox, receiver: WebhookReceiver) {
  const sim = sandbox.context('ups');
  const main = sandbox.accounts('ups')[0]!;
  const connect: SimAccount = {
    id: CONNECT_ACCOUNT,
    secrets: { clientId: 'ups-pkce-client', clientSecret: 'ups-pkce-secret' },
    settings: { ...(main.settings ?? {}) },
  };
  sim.accounts.register(connect);
  const { refreshToken = '' } = sim.tokens.issue(connect, { withRefresh: true });
  const secrets: Record<string, string> = { WEBHOOK_SECRET: receiver.secret };
  const account = (a: SimAccount, auth: string, extra: Record<string, string> = {}) => {
    const credentials: Record<string, { env: string }> = {};
    for (const [field, value] of Object.entries({ ...a.secrets, ...extra })) {
      const name = varName('SIM', 'ups', a.id, field);
      secrets[name] = value;
      credentials[field] = { env: name };
    }
    return {
      id: a.id,
      environment: 'sandbox',
      auth,
      credentials,
      settings: { ...(a.settings ?? {}) },
      baseUrls: Object.fromEntries(
        Object.keys(registry.find((c) => c.id === 'ups')!.hosts).map((h) => [h, sandbox.baseUrl('ups')]),
      ),
    };
  };
  const config = {
    logLevel: 'error',
    server: { publicUrl: PUBLIC_URL },
    probes: { intervalMs: 1 },
    alerts: {
      webhook: { url: receiver.url, secret: { env: 'WEBHOOK_SECRET' }, maxAttempts: 2, backoffMs: 50 },
      evaluateIntervalMs: 1,
      thresholds: { tokenMinCalls: 3 },
    },
    carriers: {
      ups: {
        accounts: [
          account(main, 'client_credentials'),
          account(connect, 'authorization_code', { refreshToken }),
        ],
        fallbacks: [],
      },
    },
  };
  return { config, secrets, mainAccount: main.id };
}

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text: text.slice(0, 500) };
  }
  return { status: res.status, headers: res.headers, body };
}

type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

function sender(fetcher: Fetcher, keys: { api: string; admin: string }): Runtime['send'] {
  return async (method, path, options = {}) => {
    const key = options.key ?? 'api';
    const res = await fetcher(path, {
      method,
      redirect: 'manual',
      headers: {
        ...(key === 'none' ? {} : { authorization: `Bearer ${keys[key]}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return answerOf(res);
  };
}

const newKey = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;

export async function startNodeRuntime(): Promise<Runtime> {
  const sandbox = await upsSandbox();
  const receiver = await startWebhookReceiver();
  const { config: file, secrets, mainAccount } = gatewayConfig(sandbox, receiver);
  const keys = { api: newKey('sk_node'), admin: newKey('sk_admin_node') };
  const { config, accounts } = await loadConfig({
    env: {
      ...secrets,
      GATEWAY_CONFIG: 'gateway.json',
      GATEWAY_API_KEYS: keys.api,
      GATEWAY_ADMIN_KEYS: keys.admin,
    },
    registry,
    readFile: async () => JSON.stringify(file),
  });
  // Timers off: the test runs health's due work itself, one tick at a time, as on Workers.
  const composed = await composeGateway({
    config,
    accounts,
    apiKeys: config.apiKeys,
    registry,
    logger: createLogger({ level: 'error', write: () => undefined }),
    health: { start: false },
  });
  const server = await startServer({
    app: composed.app,
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs: 2_000,
  });
  return {
    name: 'node',
    sandbox,
    receiver,
    mainAccount,
    send: sender((path, init) => fetch(`${server.url}${path}`, init), keys),
    async tick() {
      await composed.health.tick();
      await composed.health.settle(20_000);
    },
    async close() {
      await server.close();
      await composed.close();
      await receiver.close();
      await sandbox.close();
    },
  };
}

export async function startWorkerRuntime(bundle: WorkerBundle): Promise<Runtime> {
  const sandbox = await upsSandbox();
  const receiver = await startWebhookReceiver();
  const { config, secrets, mainAccount } = gatewayConfig(sandbox, receiver);
  const admin = newKey('sk_admin_worker');
  const worker = await startWorker({ bundle, config, secrets: { ...secrets, GATEWAY_ADMIN_KEYS: admin } });
  const gateway = await worker.mf.getWorker('gateway');
  return {
    name: 'workers',
    sandbox,
    receiver,
    mainAccount,
    send: sender(
      (path, init) =>
        worker.mf.dispatchFetch(`${PUBLIC_URL}${path}`, init as never) as unknown as Promise<Response>,
      { api: worker.apiKey, admin },
    ),
    async tick() {
      // The Cron Trigger event; it settles once the handler's waitUntil work is done.
      const result = await gateway.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      if (result.outcome !== 'ok') throw new Error(`scheduled event: ${result.outcome}`);
    },
    async close() {
      await worker.dispose();
      await receiver.close();
      await sandbox.close();
    },
  };
}
