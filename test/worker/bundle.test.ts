/**
 * The Worker build: `npm run build:worker`'s bundle imports nothing workerd does not provide
 * and inlines no Node-only code; wrangler.toml binds every Durable Object class the bundle
 * exports (with a SQLite migration); its example GATEWAY_CONFIG is a valid configuration;
 * and a Worker deployed with a secret missing says which one, in workerd, without leaking
 * any secret's value.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { checkBundle, type WorkerBundle, WorkerBundleError } from '../../scripts/build-worker.ts';
import { loadWorkerConfig } from '../../src/runtime/worker/config.ts';
import {
  buildTestBundle,
  readWranglerConfig,
  startSimulators,
  startWorker,
  workerConfig,
} from './support/worker-harness.ts';

let bundle: WorkerBundle;
let cleanup: () => Promise<void>;
let sandbox: Sandbox;

beforeAll(async () => {
  const built = await buildTestBundle();
  bundle = built.bundle;
  cleanup = built.cleanup;
  sandbox = await startSimulators(['ups']);
});

afterAll(async () => {
  await sandbox?.close();
  await cleanup?.();
});

const metafile = async () =>
  JSON.parse(await readFile(join(bundle.file, '..', 'meta.json'), 'utf8')) as Parameters<
    typeof checkBundle
  >[0];

describe('the Worker bundle', () => {
  it('imports only what workerd provides and inlines no Node-only code', () => {
    expect(bundle.imports).toEqual(['events']); // opossum's, from nodejs_compat
    expect(bundle.inputs).toContain('src/runtime/worker/index.ts');
    expect(bundle.inputs.some((i) => i.startsWith('carriers/ups/'))).toBe(true);
    for (const forbidden of [
      'ioredis',
      'undici',
      '@hono/node-server',
      'src/runtime/node/',
      'sandbox/',
      '/simulator/',
    ])
      expect(bundle.inputs.filter((i) => i.includes(forbidden))).toEqual([]);
    expect(bundle.gzipBytes).toBeGreaterThan(0);
    expect(bundle.gzipBytes).toBeLessThan(bundle.bytes);
  });

  it('the check refuses a bundle that imports a Node module or inlines a Node-only package', async () => {
    const meta = await metafile();
    const withFs = structuredClone(meta);
    Object.values(withFs.outputs)[0]!.imports.push({ path: 'node:fs', external: true });
    expect(() => checkBundle(withFs)).toThrow(WorkerBundleError);
    const withRedis = structuredClone(meta);
    withRedis.inputs['node_modules/ioredis/built/Redis.js'] = {};
    expect(() => checkBundle(withRedis)).toThrow(/ioredis/);
    expect(checkBundle(meta)).toEqual(['events']);
  });

  it('wrangler.toml binds every exported Durable Object class, each with a SQLite migration', async () => {
    const wrangler = readWranglerConfig();
    expect(wrangler.main).toBe('src/runtime/worker/index.ts');
    expect(wrangler.compatibility_flags).toEqual(['nodejs_compat']);
    const exports = Object.values(
      (await metafile()).outputs as Record<string, { exports?: string[] }>,
    ).flatMap((o) => o.exports ?? []);
    const classes = wrangler.durable_objects.bindings.map((b) => b.class_name).sort();
    expect(classes).toEqual(['ControlObject', 'CredentialAuthority', 'IdempotencyLedger']);
    for (const name of classes) expect(exports).toContain(name);
    expect(wrangler.migrations.flatMap((m) => m.new_sqlite_classes).sort()).toEqual(classes);
    expect(wrangler.vars).not.toHaveProperty('GATEWAY_API_KEYS'); // a secret, never a var
    // Health's periodic work runs on the Cron Trigger, handled by the exported default's `scheduled`.
    expect(wrangler.triggers.crons).toEqual(['* * * * *']);
  });

  it("wrangler.toml's example GATEWAY_CONFIG is a valid configuration once its secrets are set", async () => {
    const { vars } = readWranglerConfig();
    const names = [...String(vars.GATEWAY_CONFIG).matchAll(/"env":\s*"([A-Z0-9_]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    const secrets = Object.fromEntries(names.map((n) => [n, `value-of-${n}`]));
    const loaded = await loadWorkerConfig({ ...vars, ...secrets, GATEWAY_API_KEYS: 'k' });
    expect(loaded.accounts.map((a) => a.carrier).sort()).toEqual(['fedex', 'ups']);
    await expect(loadWorkerConfig({ ...vars, GATEWAY_API_KEYS: 'k' })).rejects.toThrow(names[0]!);
  });
});

describe('a misconfigured Worker, in workerd', () => {
  it('answers 503 naming the missing secret to a key holder only, and never a secret value', async () => {
    const { config, secrets } = workerConfig(sandbox, { carriers: ['ups'] });
    const [missing, ...kept] = Object.keys(secrets);
    const worker = await startWorker({
      bundle,
      config,
      secrets: Object.fromEntries(kept.map((name) => [name, secrets[name]!])),
    });
    try {
      const answer = await worker.request<{ type: string; detail: string }>('GET', '/v1/carriers');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.detail).toContain(missing);
      for (const value of Object.values(secrets)) expect(JSON.stringify(answer.body)).not.toContain(value);
      expect(JSON.stringify(answer.body)).not.toContain(worker.apiKey);
      // Anyone else learns nothing about the configuration.
      const stranger = await worker.request<{ detail: string }>('GET', '/healthz', undefined, {
        authorization: '',
      });
      expect(stranger.status).toBe(503);
      expect(stranger.body.detail).not.toContain(missing);
    } finally {
      await worker.dispose();
    }
  });

  it('answers 503 naming an invalid OpenTelemetry variable, as the Node entry point refuses to start', async () => {
    const { config, secrets } = workerConfig(sandbox, { carriers: ['ups'] });
    const worker = await startWorker({
      bundle,
      config,
      secrets: {
        ...secrets,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
    });
    try {
      const answer = await worker.request<{ detail: string }>('GET', '/v1/carriers');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.detail).toBe(
        "Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not one of http/protobuf, http/json (gRPC is not supported: use OTLP/HTTP)",
      );
    } finally {
      await worker.dispose();
    }
  });
});
