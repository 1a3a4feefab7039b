/** Health configuration: the alerts section (webhook secret by reference) and per-account rotation policies. */
import { describe, expect, it } from 'vitest';
import { carriers } from '../../carriers/index.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load.ts';
import { accountHealthConfigFrom, healthSettingsFromConfig } from '../../src/health/from-config.ts';
import { healthSettings } from '../../src/health/settings.ts';

const file = (alerts: unknown, rotation?: unknown) => ({
  apiKeys: [{ env: 'KEYS' }],
  probes: { intervalMs: 30_000 },
  carriers: {
    fedex: {
      accounts: [
        {
          id: 'main',
          environment: 'sandbox',
          credentials: { clientId: { env: 'FX_ID' }, clientSecret: { env: 'FX_SECRET' } },
          settings: { accountNumber: '740561073' },
          probe: { enabled: false },
          ...(rotation ? { rotation } : {}),
        },
      ],
    },
  },
  ...(alerts ? { alerts } : {}),
});

const load = (json: unknown, env: Record<string, string> = {}) =>
  loadConfig({
    env: { GATEWAY_CONFIG: '/etc/gw.json', KEYS: 'k', FX_ID: 'id', FX_SECRET: 'secret', ...env },
    registry: carriers,
    readFile: async () => JSON.stringify(json),
  });

describe('health configuration', () => {
  it('resolves the webhook secret by reference and maps thresholds and rotation policies', async () => {
    const { config } = await load(
      file(
        {
          webhook: { url: 'https://hooks.example.com/gw', secret: { env: 'HOOK_SECRET' } },
          windowMs: 120_000,
          geo: { countryHeader: 'cf-ipcountry' },
          thresholds: { dormantDays: 10, tokenSuccessRate: 0.9 },
        },
        {
          credentialExpiresAt: '2027-01-31T00:00:00Z',
          rotateEveryDays: 90,
          lastRotatedAt: '2026-11-01T00:00:00Z',
        },
      ),
      { HOOK_SECRET: 'whsec_from_env_123' },
    );
    expect(config.alerts?.webhook).toEqual({
      url: 'https://hooks.example.com/gw',
      secret: 'whsec_from_env_123',
      maxAttempts: 5,
      backoffMs: 1_000,
      timeoutMs: 5_000,
    });
    const settings = healthSettings(healthSettingsFromConfig(config));
    expect(settings).toMatchObject({
      probeIntervalMs: 30_000,
      windowMs: 120_000,
      geo: { countryHeader: 'cf-ipcountry' },
      thresholds: { dormantDays: 10, tokenSuccessRate: 0.9, unauthorizedCount: 3 },
      webhook: { secret: 'whsec_from_env_123' },
    });
    expect(accountHealthConfigFrom(config)('fedex', 'main')).toEqual({
      probe: { enabled: false, intervalMs: 30_000 },
      rotation: {
        credentialExpiresAt: '2027-01-31T00:00:00Z',
        rotateEveryDays: 90,
        lastRotatedAt: '2026-11-01T00:00:00Z',
      },
    });
    expect(accountHealthConfigFrom(config)('fedex', 'other')).toBeUndefined();
  });

  it('refuses an inlined webhook secret and a rotation date that is not a date', async () => {
    const error = await load(
      file(
        { webhook: { url: 'https://hooks.example.com/gw', secret: 'inline-secret' } },
        { credentialExpiresAt: 'soon' },
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).issues.map((i) => i.key);
    expect(keys).toContain('alerts.webhook.secret');
    expect(keys).toContain('carriers.fedex.accounts[0].rotation.credentialExpiresAt');
    expect((error as ConfigError).message).not.toContain('inline-secret');
  });

  it('defaults: no webhook, no trusted header, documented thresholds', async () => {
    const { config } = await load(file(undefined));
    expect(config.alerts).toBeUndefined();
    const settings = healthSettings(healthSettingsFromConfig(config));
    expect(settings.webhook).toBeUndefined();
    expect(settings.geo).toEqual({});
    expect(settings.thresholds).toMatchObject({
      tokenSuccessRate: 0.8,
      tokenMinCalls: 5,
      dormantDays: 30,
      expiryWarningDays: 14,
    });
  });
});
