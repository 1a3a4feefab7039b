/**
 * The Worker bundle (built by scripts/build-worker.ts, as `npm run build:worker` builds it)
 * running in workerd through Miniflare, configured like a deployment (GATEWAY_CONFIG var,
 * credentials as secrets, Durable Object bindings as in wrangler.toml) with every carrier
 * pointed at the simulators served from Node on loopback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from '@hono/zod-openapi';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { experimental_readRawConfig } from 'wrangler';
import { carriers as registry } from '../../../carriers/index.ts';
import { SANDBOX_FALLBACKS } from '../../../sandbox/fallbacks.ts';
import type { SimAccount, SimulatorFactory } from '../../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { buildWorker, ROOT, type WorkerBundle } from '../../../scripts/build-worker.ts';
import type { AuthMethodKind } from '../../../src/auth/profile.ts';
import { type Fetcher, type HttpAnswer, requestJson } from '../../support/http.ts';
import { sharedDir, sharedForRun } from '../../support/shared-for-run.ts';

/** The parts of wrangler.toml the runtime setup comes from (so tests run what is deployed). */
export const WranglerConfig = z.object({
  name: z.string(),
  main: z.string(),
  compatibility_date: z.string(),
  compatibility_flags: z.array(z.string()).default([]),
  durable_objects: z.object({ bindings: z.array(z.object({ name: z.string(), class_name: z.string() })) }),
  migrations: z.array(
    z.object({
      tag: z.string(),
      new_classes: z.array(z.string()).default([]),
      new_sqlite_classes: z.array(z.string()).default([]),
    }),
  ),
  vars: z.record(z.string(), z.unknown()).default({}),
  triggers: z.object({ crons: z.array(z.string()).default([]) }).prefault({}),
});
export type WranglerConfig = z.infer<typeof WranglerConfig>;

export function readWranglerConfig(): WranglerConfig {
  const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, 'wrangler.toml') });
  return WranglerConfig.parse(rawConfig);
}

export type { HttpAnswer } from '../../support/http.ts';

/** Builds the bundle into a temporary directory. */
async function buildInto(): Promise<{ bundle: WorkerBundle; outdir: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'cg-worker-'));
  return { bundle: await buildWorker({ outdir }), outdir };
}

/**
 * The Worker bundle: built once per `vitest run` and shared by the files that run it (a build
 * is a wrangler process and an esbuild run: seconds of CPU each), or once per file when the
 * run has no shared directory. The run's teardown removes the shared one.
 */
export async function buildTestBundle(): Promise<{ bundle: WorkerBundle; cleanup(): Promise<void> }> {
  const dir = await sharedDir();
  if (dir !== undefined) {
    const shared = await sharedForRun(dir, 'worker-bundle', async () => {
      const { bundle, outdir } = await buildInto();
      return { bundle, pids: [], dirs: [outdir] };
    });
    return { bundle: shared.bundle, cleanup: async () => undefined };
  }
  const { bundle, outdir } = await buildInto();
  return { bundle, cleanup: () => rm(outdir, { recursive: true, force: true }) };
}

export async function startSimulators(carrierIds?: readonly string[]): Promise<Sandbox> {
  const carriers = carrierIds ? registry.filter((c) => carrierIds.includes(c.id)) : registry;
  const simulators: Record<string, SimulatorFactory> = {};
  for (const carrier of carriers) {
    const module = (await import(`../../../carriers/${carrier.id}/simulator/index.ts`)) as {
      createSimulator: SimulatorFactory;
    };
    simulators[carrier.id] = module.createSimulator;
  }
  return startSandbox({ simulators });
}

export interface BreakerConfig {
  errorThresholdPercentage?: number;
  volumeThreshold?: number;
  rollingWindowMs?: number;
  resetTimeoutMs?: number;
}

export interface WorkerConfigOptions {
  carriers: readonly string[];
  fallbacks?: Readonly<Record<string, readonly string[]>>;
  breaker?: { auth?: BreakerConfig; api?: BreakerConfig };
  /** Which simulator accounts to configure, and with which auth method (default: all, profile default). */
  accounts?: (carrier: string, accounts: SimAccount[]) => { account: SimAccount; auth?: AuthMethodKind }[];
}

/** The profile's default method if the account has its credentials, else the first method it has them for. */
export function methodFor(carrier: string, account: SimAccount): AuthMethodKind | undefined {
  const definition = registry.find((c) => c.id === carrier);
  if (!definition) return undefined;
  const fits = (method: AuthMethodKind) =>
    (definition.auth.credentialFields[method] ?? []).every((field) => field in account.secrets);
  const methods = [definition.auth.default, ...(Object.keys(definition.auth.methods) as AuthMethodKind[])];
  return methods.find(fits);
}

const varName = (...parts: string[]) =>
  parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');

/**
 * GATEWAY_CONFIG and the secrets a deployment would set, for the simulators' accounts.
 * Secrets only ever travel as { "env": "NAME" } references, as in production.
 */
export function workerConfig(
  sandbox: Pick<Sandbox, 'accounts' | 'baseUrl'>,
  options: WorkerConfigOptions,
): { config: Record<string, unknown>; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const carriers: Record<string, unknown> = {};
  const fallbacks = options.fallbacks ?? SANDBOX_FALLBACKS;
  for (const id of options.carriers) {
    const definition = registry.find((c) => c.id === id);
    if (!definition) throw new Error(`unknown carrier ${id}`);
    const chosen: { account: SimAccount; auth?: AuthMethodKind }[] = options.accounts
      ? options.accounts(id, sandbox.accounts(id))
      : sandbox.accounts(id).map((account) => ({ account }));
    carriers[id] = {
      accounts: chosen.map(({ account, auth }) => {
        const credentials: Record<string, { env: string }> = {};
        for (const [field, value] of Object.entries(account.secrets)) {
          const name = varName('SIM', id, account.id, field);
          secrets[name] = value;
          credentials[field] = { env: name };
        }
        return {
          id: account.id,
          environment: 'sandbox',
          auth: auth ?? methodFor(id, account),
          credentials,
          settings: { ...(account.settings ?? {}) },
          baseUrls: Object.fromEntries(Object.keys(definition.hosts).map((h) => [h, sandbox.baseUrl(id)])),
        };
      }),
      fallbacks: (fallbacks[id] ?? []).filter((f) => options.carriers.includes(f)),
      ...(options.breaker ? { breaker: options.breaker } : {}),
    };
  }
  return { config: { logLevel: 'error', carriers }, secrets };
}

export interface WorkerHarness {
  mf: Miniflare;
  apiKey: string;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer<T>>;
  dispose(): Promise<void>;
}

export interface WorkerHarnessOptions {
  bundle: WorkerBundle;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Durable Object storage survives dispose() here (Miniflare persistence). */
  persistDir?: string;
  /** A second Worker with the same code and bindings to the first one's objects (a second isolate). */
  twin?: boolean;
  /**
   * Also serve the Worker on a socket of its own, without Miniflare's entry worker in front
   * (`mf.unsafeGetDirectURL('gateway')`): what the CPU benchmark measures.
   */
  directSocket?: boolean;
}

export async function startWorker(options: WorkerHarnessOptions): Promise<
  WorkerHarness & {
    twin?: (
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) => Promise<HttpAnswer>;
  }
> {
  const apiKey = `sk_worker_${crypto.randomUUID().replaceAll('-', '')}`;
  const bindings = {
    ...options.secrets,
    GATEWAY_API_KEYS: apiKey,
    GATEWAY_CONFIG: JSON.stringify(options.config),
  };
  const wrangler = readWranglerConfig();
  const common = {
    modules: true,
    scriptPath: options.bundle.file,
    // Module names are paths relative to this; the bundle lives in a temporary directory.
    modulesRoot: dirname(options.bundle.file),
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags,
    bindings,
  };
  const sqlite = new Set(wrangler.migrations.flatMap((m) => m.new_sqlite_classes));
  const objects = (scriptName?: string) =>
    Object.fromEntries(
      wrangler.durable_objects.bindings.map((b) => [
        b.name,
        {
          className: b.class_name,
          useSQLite: sqlite.has(b.class_name),
          ...(scriptName ? { scriptName } : {}),
        },
      ]),
    );
  const workers = [
    {
      name: 'gateway',
      ...common,
      durableObjects: objects(),
      ...(options.directSocket ? { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] } : {}),
    },
    // A second Worker is a second isolate; its bindings reach the first one's objects.
    ...(options.twin ? [{ name: 'gateway-twin', ...common, durableObjects: objects('gateway') }] : []),
  ];
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      workers,
      ...(options.persistDir ? { resourcePersistencePath: options.persistDir } : {}),
    }),
    enableDevRegistry: false,
    logRequests: false,
  });
  await mf.ready;

  const send = (
    fetcher: Fetcher,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => requestJson(fetcher, `http://gateway.test${path}`, method, { key: apiKey, body, headers });

  const dispatch = (url: string, init: RequestInit) =>
    mf.dispatchFetch(url, init as never) as unknown as Promise<Response>;
  const twinWorker = options.twin ? await mf.getWorker('gateway-twin') : undefined;
  const twinFetch = twinWorker
    ? (url: string, init: RequestInit) => twinWorker.fetch(url, init as never) as unknown as Promise<Response>
    : undefined;

  return {
    mf,
    apiKey,
    request: <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      send(dispatch, method, path, body, headers) as Promise<HttpAnswer<T>>,
    ...(twinFetch
      ? {
          twin: (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
            send(twinFetch, method, path, body, headers),
        }
      : {}),
    dispose: () => mf.dispose(),
  };
}
