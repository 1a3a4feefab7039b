/**
 * Start-up as a real process: a tiny script (fixtures/load-config.ts) loads configuration
 * the way the entry point does; an invalid configuration exits 1 with a message naming the key.
 * The entry point itself (`npm start`) answers a bad file or key with one line, never a stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gateway-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(config: unknown, env: Record<string, string>) {
  const path = join(dir, `${crypto.randomUUID()}.json`);
  writeFileSync(path, JSON.stringify(config));
  const result = spawnSync(process.execPath, ['test/config/fixtures/load-config.ts'], {
    env: { PATH: process.env.PATH ?? '', GATEWAY_CONFIG: path, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const config = (clientSecret: unknown, fallbacks: string[] = []) => ({
  apiKeys: [{ env: 'API_KEYS' }],
  carriers: {
    acme: {
      accounts: [
        {
          id: 'main',
          environment: 'sandbox',
          credentials: { clientId: { env: 'ACME_ID' }, clientSecret },
          settings: { accountNumber: 'A1' },
        },
      ],
      fallbacks,
    },
  },
});

describe('start-up with a configuration file', () => {
  it('a valid configuration starts (exit 0)', () => {
    const r = run(config({ env: 'ACME_SECRET' }), {
      API_KEYS: 'k',
      ACME_ID: 'id',
      ACME_SECRET: 'shh-secret',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ sandbox: false, port: 8080, accounts: ['acme/main'] });
    expect(r.stdout).not.toContain('shh-secret');
  });

  it('an unset credential variable exits 1 naming the key and the variable', () => {
    const r = run(config({ env: 'ACME_SECRET' }), { API_KEYS: 'k', ACME_ID: 'id' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'carriers.acme.accounts[0].credentials.clientSecret: environment variable ACME_SECRET is not set',
    );
  });

  it('an inlined secret exits 1 without echoing it', () => {
    const r = run(config('plain-text-secret'), { API_KEYS: 'k', ACME_ID: 'id' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'carriers.acme.accounts[0].credentials.clientSecret: a secret must not be inlined',
    );
    expect(r.stderr).not.toContain('plain-text-secret');
  });

  it('an unknown fallback exits 1 naming the key', () => {
    const r = run(config({ env: 'ACME_SECRET' }, ['nowhere']), {
      API_KEYS: 'k',
      ACME_ID: 'id',
      ACME_SECRET: 's',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('carriers.acme.fallbacks[0]: unknown fallback carrier nowhere');
  });
});

describe('the entry point (npm start) with a bad configuration: one line, exit 1', () => {
  /** `node src/runtime/node/main.ts` with a config file; it must exit on its own. */
  function start(text: string, env: Record<string, string> = {}) {
    const path = join(dir, `${crypto.randomUUID()}.json`);
    writeFileSync(path, text);
    const result = spawnSync(process.execPath, ['src/runtime/node/main.ts'], {
      env: { PATH: process.env.PATH ?? '', GATEWAY_CONFIG: path, PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { path, status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  const redis = (keyEnv: string) =>
    JSON.stringify({
      store: {
        kind: 'redis',
        url: { env: 'STORE_URL' },
        encryptionKeys: [{ id: 'k1', key: { env: keyEnv } }],
      },
    });

  it('a token encryption key that is not base64', () => {
    const r = start(redis('TOKEN_KEY'), { STORE_URL: 'redis://127.0.0.1:1', TOKEN_KEY: 'not-base64!!' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `carrier-gateway: Invalid configuration (${r.path}): store.encryptionKeys[0].key: environment variable TOKEN_KEY is not base64: it must hold 32 bytes in base64 (make one with \`openssl rand -base64 32\`)\n`,
    );
  });

  it('a 16-byte token encryption key', () => {
    const r = start(redis('TOKEN_KEY'), {
      STORE_URL: 'redis://127.0.0.1:1',
      TOKEN_KEY: Buffer.alloc(16, 7).toString('base64'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('store.encryptionKeys[0].key: environment variable TOKEN_KEY holds 16 bytes');
  });

  it.each([
    [
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      "OTEL_TRACES_SAMPLER: 'sometimes' is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio",
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      "OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' is not one of http/protobuf, http/json (gRPC is not supported: use OTLP/HTTP)",
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'xml' },
      "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'xml' is not one of http/protobuf, http/json",
    ],
  ])('an invalid OpenTelemetry variable %j: one line naming it', (otel, message) => {
    const r = start('{}', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', ...otel });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`carrier-gateway: Invalid configuration: ${message}\n`);
  });

  it('a broken JSON file: its line and column', () => {
    const r = start('{\n  "logLevel": "info",\n  "probes": { "intervalMs": 60000, }\n}');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `carrier-gateway: Invalid configuration: GATEWAY_CONFIG: configuration file ${r.path} is not valid JSON at line 3 column 36\n`,
    );
  });
});
