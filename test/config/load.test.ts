/**
 * loadConfig against a small fake registry: defaults, overrides, sandbox mode, resolved
 * accounts, and every invalid case stopping start-up with an error naming the key.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigFile } from '../../src/config/schema.ts';
import { fakeRegistry } from '../support/fake-registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const SECRET_ENV = {
  GATEWAY_API_KEYS: 'caller-1, caller-2',
  ACME_ID: 'acme-client-id',
  ACME_SECRET: 'acme-very-secret',
  BOLT_KEY: 'bolt-api-key',
};

function writeConfig(content: unknown): string {
  const path = join(dir, `config-${files++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const acmeAccount = () => ({
  id: 'main',
  environment: 'production',
  credentials: { clientId: { env: 'ACME_ID' }, clientSecret: { env: 'ACME_SECRET' } },
  settings: { accountNumber: 'A1B2C3' },
});

const validConfig = () => ({
  apiKeys: [{ env: 'GATEWAY_API_KEYS' }],
  carriers: {
    acme: { accounts: [acmeAccount()], fallbacks: ['bolt'] },
    bolt: { accounts: [{ id: 'eu', environment: 'sandbox', credentials: { apiKey: { env: 'BOLT_KEY' } } }] },
  },
});

const load = (config: unknown, env: Record<string, string> = {}) =>
  loadConfig({ env: { ...SECRET_ENV, ...env, GATEWAY_CONFIG: writeConfig(config) }, registry: fakeRegistry });

/** Loads and returns the ConfigError (fails the test when loading succeeds). */
async function configError(config: unknown, env: Record<string, string> = {}): Promise<ConfigError> {
  try {
    await load(config, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    // No secret value ever appears in the message.
    for (const secret of Object.values(SECRET_ENV)) expect(e.message).not.toContain(secret);
    return e;
  }
  throw new Error('expected a ConfigError');
}

/** 32 random bytes in base64, as `openssl rand -base64 32` prints them. */
const KEY_32 = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

const redisStore = (keyEnv = 'TOKEN_KEY_K1') => ({
  kind: 'redis',
  url: { env: 'STORE_URL' },
  encryptionKeys: [{ id: 'k1', key: { env: keyEnv } }],
});

const withAccount = (patch: Record<string, unknown>) => {
  const c = validConfig();
  Object.assign(c.carriers.acme.accounts[0]!, patch);
  return c;
};

describe('loadConfig: valid configurations', () => {
  it('without GATEWAY_CONFIG: sandbox mode with defaults and environment overrides', async () => {
    const { config, accounts, sandbox } = await loadConfig({
      env: {
        PORT: '9090',
        HOST: '0.0.0.0',
        GATEWAY_API_KEYS: 'a,b',
        GATEWAY_ADMIN_KEYS: 'adm',
        LOG_LEVEL: 'DEBUG',
        GATEWAY_PUBLIC_URL: 'https://gw.example.com',
      },
      registry: fakeRegistry,
    });
    expect(sandbox).toBe(true);
    expect(accounts).toEqual([]);
    expect(config.server).toEqual({
      port: 9090,
      host: '0.0.0.0',
      bodyLimitBytes: 262_144,
      shutdownTimeoutMs: 10_000,
      publicUrl: 'https://gw.example.com',
    });
    expect(config.apiKeys).toEqual(['a', 'b']);
    expect(config.adminKeys).toEqual(['adm']);
    expect(config.logLevel).toBe('debug');
    expect(config.store).toEqual({ kind: 'memory' });
  });

  it('REDIS_URL overrides the URL of a Redis store, whose keys are 32 bytes in base64', async () => {
    const { config } = await load(
      { ...validConfig(), store: redisStore() },
      { REDIS_URL: 'redis://127.0.0.1:6379/0', TOKEN_KEY_K1: KEY_32 },
    );
    expect(config.store).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/0',
      encryptionKeys: [{ id: 'k1', key: KEY_32 }],
      namespace: 'gateway',
    });
  });

  it('a file with no carrier is sandbox mode too', async () => {
    expect((await load({ server: { port: 0 } })).sandbox).toBe(true);
  });

  it('resolves accounts: secrets, settings, base URLs from the profile for the environment, limits', async () => {
    const config = validConfig();
    config.carriers.acme.accounts[0] = {
      ...acmeAccount(),
      // @ts-expect-error extra optional members of the test object
      labels: { team: 'eu' },
      baseUrls: { auth: 'https://auth.proxy.example' },
      tokenCallsPerHour: 30,
    };
    const { accounts, sandbox, config: loaded } = await load(config);
    expect(sandbox).toBe(false);
    expect(accounts).toEqual([
      {
        carrier: 'acme',
        id: 'main',
        environment: 'production',
        authMethod: 'client_credentials',
        secrets: { clientId: 'acme-client-id', clientSecret: 'acme-very-secret' },
        settings: { accountNumber: 'A1B2C3' },
        labels: { team: 'eu' },
        baseUrls: { default: 'https://api.acme.example', auth: 'https://auth.proxy.example' },
        tokenCallsPerHour: 30,
      },
      {
        carrier: 'bolt',
        id: 'eu',
        environment: 'sandbox',
        authMethod: 'api_key',
        secrets: { apiKey: 'bolt-api-key' },
        settings: {},
        labels: {},
        baseUrls: { default: 'https://sandbox.bolt.example' },
        tokenCallsPerHour: undefined,
      },
    ]);
    expect(loaded.apiKeys).toEqual(['caller-1', 'caller-2']);
    expect(loaded.carriers.acme).toMatchObject({
      enabled: true,
      fallbacks: ['bolt'],
      timeouts: { connectMs: 3000, totalMs: 15000, tokenMs: 10000 },
      breaker: {
        auth: {
          errorThresholdPercentage: 50,
          volumeThreshold: 5,
          rollingWindowMs: 30000,
          resetTimeoutMs: 30000,
        },
      },
      accounts: [{ id: 'main', probe: { enabled: true, intervalMs: 60000 } }],
    });
    expect(loaded.store).toEqual({ kind: 'memory' });
  });

  it('the profile default limit applies when the account sets none', async () => {
    const { accounts } = await load(validConfig());
    expect(accounts[0]?.tokenCallsPerHour).toBe(60);
  });

  it('a disabled carrier is checked but not resolved (its variables may be unset)', async () => {
    const config = validConfig();
    config.carriers.acme.fallbacks = [];
    Object.assign(config.carriers.bolt, { enabled: false });
    const { accounts } = await loadConfig({
      env: { ...SECRET_ENV, BOLT_KEY: '', GATEWAY_CONFIG: writeConfig(config) },
      registry: fakeRegistry,
    });
    expect(accounts.map((a) => a.carrier)).toEqual(['acme']);
  });

  it('the documented example in docs/configuration.md matches the schema', () => {
    const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    expect(example).toBeDefined();
    const parsed = ConfigFile.safeParse(JSON.parse(example!));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});

describe('loadConfig: invalid configurations stop start-up naming the key', () => {
  const cases: [string, () => unknown, string, RegExp, Record<string, string>?][] = [
    [
      'unknown carrier',
      () => ({
        ...validConfig(),
        carriers: { ...validConfig().carriers, nope: { accounts: [acmeAccount()] } },
      }),
      'carriers.nope',
      /unknown carrier nope \(known carriers: acme, bolt\)/,
    ],
    [
      'auth method the carrier does not support',
      () => withAccount({ auth: 'api_key' }),
      'carriers.acme.accounts[0].auth',
      /does not support auth method api_key/,
    ],
    [
      'missing credential reference',
      () => withAccount({ credentials: { clientId: { env: 'ACME_ID' } } }),
      'carriers.acme.accounts[0].credentials.clientSecret',
      /missing credential clientSecret required by auth method client_credentials/,
    ],
    [
      'credential env var not set',
      () =>
        withAccount({
          credentials: { clientId: { env: 'ACME_ID' }, clientSecret: { env: 'ACME_SECRET_UNSET' } },
        }),
      'carriers.acme.accounts[0].credentials.clientSecret',
      /environment variable ACME_SECRET_UNSET is not set/,
    ],
    [
      'credential env var set but empty',
      () => validConfig(),
      'carriers.acme.accounts[0].credentials.clientSecret',
      /environment variable ACME_SECRET is not set/,
      { ACME_SECRET: '' },
    ],
    [
      'secret inlined as a plain string',
      () =>
        withAccount({ credentials: { clientId: { env: 'ACME_ID' }, clientSecret: 'inline-secret-value' } }),
      'carriers.acme.accounts[0].credentials.clientSecret',
      /must not be inlined/,
    ],
    [
      'API key inlined as a plain string',
      () => ({ ...validConfig(), apiKeys: ['inline-api-key'] }),
      'apiKeys[0]',
      /must not be inlined/,
    ],
    [
      'missing required setting',
      () => withAccount({ settings: {} }),
      'carriers.acme.accounts[0].settings.accountNumber',
      /missing required setting accountNumber/,
    ],
    [
      'bad base URL',
      () => withAccount({ baseUrls: { default: 'not a url' } }),
      'carriers.acme.accounts[0].baseUrls.default',
      /URL/,
    ],
    [
      'unknown host name in baseUrls',
      () => withAccount({ baseUrls: { billing: 'https://x.example' } }),
      'carriers.acme.accounts[0].baseUrls.billing',
      /unknown host name billing/,
    ],
    [
      'bad public URL',
      () => ({ ...validConfig(), server: { publicUrl: 'ftp://x.example' } }),
      'server.publicUrl',
      /http\(s\) URL/,
    ],
    [
      'negative timeout',
      () => ({
        ...validConfig(),
        carriers: {
          ...validConfig().carriers,
          acme: { ...validConfig().carriers.acme, timeouts: { totalMs: -5 } },
        },
      }),
      'carriers.acme.timeouts.totalMs',
      /positive number of milliseconds/,
    ],
    [
      'zero timeout',
      () => ({
        ...validConfig(),
        carriers: {
          ...validConfig().carriers,
          acme: { ...validConfig().carriers.acme, timeouts: { connectMs: 0 } },
        },
      }),
      'carriers.acme.timeouts.connectMs',
      /positive/,
    ],
    [
      'unknown fallback carrier',
      () => ({
        ...validConfig(),
        carriers: {
          ...validConfig().carriers,
          acme: { ...validConfig().carriers.acme, fallbacks: ['fedx'] },
        },
      }),
      'carriers.acme.fallbacks[0]',
      /unknown fallback carrier fedx/,
    ],
    [
      'fallback to itself',
      () => ({
        ...validConfig(),
        carriers: {
          ...validConfig().carriers,
          acme: { ...validConfig().carriers.acme, fallbacks: ['acme'] },
        },
      }),
      'carriers.acme.fallbacks[0]',
      /own fallback/,
    ],
    [
      'unknown key (strict)',
      () => ({ ...validConfig(), server: { prot: 8080 } }),
      'server.prot',
      /unknown key/,
    ],
    [
      'unknown key in an account',
      () => withAccount({ secret: 'x' }),
      'carriers.acme.accounts[0].secret',
      /unknown key/,
    ],
    [
      'duplicate account id',
      () => {
        const c = validConfig();
        c.carriers.acme.accounts.push(acmeAccount());
        return c;
      },
      'carriers.acme.accounts[1].id',
      /duplicate account id main/,
    ],
    ['bad PORT override', () => validConfig(), 'PORT', /integer from 0 to 65535/, { PORT: 'eighty' }],
    [
      'bad LOG_LEVEL override',
      () => validConfig(),
      'LOG_LEVEL',
      /one of debug, info, warn, error/,
      { LOG_LEVEL: 'loud' },
    ],
    [
      'a token encryption key that is not base64',
      () => ({ ...validConfig(), store: redisStore() }),
      'store.encryptionKeys[0].key',
      /^environment variable TOKEN_KEY_K1 is not base64: it must hold 32 bytes in base64 \(make one with `openssl rand -base64 32`\)$/,
      { STORE_URL: 'redis://127.0.0.1:6379', TOKEN_KEY_K1: 'not base64 at all!' },
    ],
    [
      'a 16-byte token encryption key',
      () => ({ ...validConfig(), store: redisStore() }),
      'store.encryptionKeys[0].key',
      /^environment variable TOKEN_KEY_K1 holds 16 bytes: it must hold 32 bytes in base64/,
      { STORE_URL: 'redis://127.0.0.1:6379', TOKEN_KEY_K1: btoa('0123456789abcdef') },
    ],
    [
      'a Redis store without an encryption key',
      () => ({ ...validConfig(), store: { kind: 'redis', url: { env: 'STORE_URL' } } }),
      'store.encryptionKeys',
      /a Redis store needs at least one encryption key/,
      { STORE_URL: 'redis://127.0.0.1:6379' },
    ],
    [
      'REDIS_URL alone (a Redis store, and no key for it)',
      () => validConfig(),
      'store.encryptionKeys',
      /a Redis store needs at least one encryption key/,
      { REDIS_URL: 'redis://127.0.0.1:6379' },
    ],
    [
      'an encryption key id that cannot be stored beside a token',
      () => ({
        ...validConfig(),
        store: { ...redisStore(), encryptionKeys: [{ id: 'key one', key: { env: 'TOKEN_KEY_K1' } }] },
      }),
      'store.encryptionKeys[0].id',
      /must be 1-32 letters, digits, _ or -/,
      { STORE_URL: 'redis://127.0.0.1:6379', TOKEN_KEY_K1: KEY_32 },
    ],
    [
      'no API key outside sandbox',
      () => ({ ...validConfig(), apiKeys: [] }),
      'apiKeys',
      /no API key configured/,
      { GATEWAY_API_KEYS: '' },
    ],
  ];

  for (const [name, config, key, message, env] of cases) {
    it(name, async () => {
      const err = await configError(config(), env);
      expect(err.issues.map((i) => i.key)).toContain(key);
      const issue = err.issues.find((i) => i.key === key)!;
      expect(issue.message).toMatch(message);
      expect(err.message).toContain(`${key}: `);
      // Nor any value of the environment (a wrong key is still a key).
      for (const value of Object.values(env ?? {}).filter((v) => v.length > 8))
        expect(err.message).not.toContain(value);
    });
  }

  it('never echoes an inlined secret', async () => {
    const err = await configError(
      withAccount({ credentials: { clientId: { env: 'ACME_ID' }, clientSecret: 'inline-secret-value' } }),
    );
    expect(err.message).not.toContain('inline-secret-value');
  });

  it('reports every issue at once, the first as .key', async () => {
    const config = withAccount({ settings: {}, auth: undefined });
    config.carriers.acme.fallbacks = ['fedx'];
    const err = await configError(config, { ACME_SECRET: '' });
    expect(err.issues.map((i) => i.key).sort()).toEqual(
      [
        'carriers.acme.fallbacks[0]',
        'carriers.acme.accounts[0].settings.accountNumber',
        'carriers.acme.accounts[0].credentials.clientSecret',
      ].sort(),
    );
    expect(err.issues.map((i) => i.key)).toContain(err.key);
  });

  it('bad JSON in the file: names the file and the position, not the content', async () => {
    const path = writeConfig('{\n  "server": { "port": 8080, },\n  "apiKeys": ["leaky-secret"\n}');
    const err = await loadConfig({ env: { GATEWAY_CONFIG: path }, registry: fakeRegistry }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('GATEWAY_CONFIG');
    expect((err as ConfigError).message).toContain(`${path} is not valid JSON at line 2`);
    expect((err as ConfigError).message).not.toContain('leaky-secret');
  });

  it.each([
    [
      'a trailing comma in an array (V8 names no position)',
      '{\n  "apiKeys": [\n    { "env": "K" },\n  ]\n}',
      4,
      3,
    ],
    ['a comment', '{\n  // my gateway\n  "logLevel": "info"\n}', 2, 3],
    ['a missing comma', '{\n  "logLevel": "info"\n  "apiKeys": []\n}', 3, 3],
    ['undefined as a value', '{ "logLevel": undefined }', 1, 15],
  ])('bad JSON, %s: the line and column of the mistake', async (_name, text, line, column) => {
    const path = writeConfig(text);
    const err = await loadConfig({ env: { GATEWAY_CONFIG: path }, registry: fakeRegistry }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `Invalid configuration: GATEWAY_CONFIG: configuration file ${path} is not valid JSON at line ${line} column ${column}`,
    );
  });

  it('a file that ends too early: its last line and column, and why', async () => {
    const path = writeConfig('{\n  "server": { "port": 8080 },\n  "apiKeys": [');
    const err = await loadConfig({ env: { GATEWAY_CONFIG: path }, registry: fakeRegistry }).catch(
      (e: unknown) => e,
    );
    expect((err as ConfigError).message).toContain(
      'is not valid JSON at line 3 column 15 (the file ends too early)',
    );
  });

  it('a byte order mark at the start (some Windows editors write one) is not an error', async () => {
    const { config } = await load(`\uFEFF${JSON.stringify(validConfig())}`);
    expect(config.apiKeys).toEqual(['caller-1', 'caller-2']);
  });

  it('file not found: names the file', async () => {
    const path = join(dir, 'missing.json');
    const err = await loadConfig({ env: { GATEWAY_CONFIG: path }, registry: fakeRegistry }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('GATEWAY_CONFIG');
    expect((err as ConfigError).message).toContain(`configuration file ${path} not found`);
  });
});
