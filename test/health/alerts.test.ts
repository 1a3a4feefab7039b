/**
 * Every alert rule fires from simulated traffic through the whole gateway (real HTTP, the
 * carrier simulators, injected faults) and stays quiet on healthy traffic. A real webhook
 * receiver checks each HMAC signature and sees one alert per incident and one resolution.
 * The monitor's clock is injected so windows can pass without waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthOptions as HealthComposeOptions } from '../../src/core/compose.ts';
import type { Alert } from '../../src/health/alerts/types.ts';
import { DAY_MS } from '../../src/health/settings.ts';
import { eventually, type HealthHarness, RATE_BODY, startHealthHarness } from './support/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const WINDOW_MS = 300_000;
const CLEAR_MS = 1_000;

function clock() {
  const c = { offset: 0, now: () => Date.now() + c.offset };
  return c;
}

function healthOptions(receiver: WebhookReceiver, now: () => number): HealthComposeOptions {
  return {
    start: false,
    now,
    settings: {
      windowMs: WINDOW_MS,
      clearForMs: CLEAR_MS,
      cooldownMs: 60_000,
      geo: { countryHeader: 'cf-ipcountry', clientIpHeader: 'x-forwarded-for' },
      webhook: {
        url: receiver.url,
        secret: receiver.secret,
        maxAttempts: 4,
        backoffMs: 20,
        timeoutMs: 2_000,
      },
    },
  };
}

const of = (rule: string, account?: string) => (a: Alert) =>
  a.rule === rule && (account === undefined || a.account === account);

/** Deliveries of one rule (and account), in the order received. */
const deliveries = (r: WebhookReceiver, rule: string, account?: string) =>
  r
    .delivered()
    .map((d) => d.alert)
    .filter(of(rule, account));

async function firing(r: WebhookReceiver, rule: string, account?: string): Promise<Alert> {
  return eventually(() => deliveries(r, rule, account).find((a) => a.status === 'firing'), `${rule} firing`);
}

async function resolved(r: WebhookReceiver, rule: string, account?: string): Promise<Alert> {
  return eventually(
    () => deliveries(r, rule, account).find((a) => a.status === 'resolved'),
    `${rule} resolved`,
  );
}

const headers = (country: string, ip: string) => ({ 'cf-ipcountry': country, 'x-forwarded-for': ip });

describe('alert rules on live traffic', () => {
  let h: HealthHarness;
  let receiver: WebhookReceiver;
  const time = clock();
  const evaluate = () => h.composed.health.evaluate();
  /** Lets every window close and the clear period pass: open incidents resolve. */
  async function letWindowsPass() {
    time.offset += WINDOW_MS + 1;
    await evaluate();
    time.offset += CLEAR_MS;
    await evaluate();
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHealthHarness({
      carriers: ['ups', 'fedex', 'usps'],
      health: healthOptions(receiver, time.now),
      policy: {
        breaker: {
          auth: {
            errorThresholdPercentage: 50,
            volumeThreshold: 4,
            rollingWindowMs: 30_000,
            resetTimeoutMs: 60_000,
          },
          api: {
            errorThresholdPercentage: 50,
            volumeThreshold: 10,
            rollingWindowMs: 10_000,
            resetTimeoutMs: 15_000,
          },
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('stay quiet on healthy traffic', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await h.request('POST', '/v1/rates', RATE_BODY(['ups', 'fedex', 'usps']), {
        headers: headers('FR', '203.0.113.10'),
      });
      expect(r.status).toBe(200);
    }
    for (const [carrier, account] of [
      ['ups', 'ups-sandbox'],
      ['fedex', 'fedex-sandbox'],
      ['usps', 'default'],
    ] as const) {
      expect(
        (await h.admin<{ outcome: string }>('POST', `/admin/probes/${carrier}/${account}`)).body.outcome,
      ).toBe('pass');
    }
    await evaluate();
    time.offset += 60_000;
    await evaluate();
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.attempts).toEqual([]);
    expect((await h.admin<{ open: Alert[] }>('GET', '/admin/alerts')).body.open).toEqual([]);
  });

  it('unauthorized_rising: 401s on tokens believed valid; one signed alert, one resolution, despite a failed delivery', async () => {
    // Each request: a 401, one forced refresh, and the resend refused again (6 refusals, 3 first sends).
    await h.control.injectFault({
      carrier: 'ups',
      account: 'ups-sandbox',
      target: 'api',
      endpoint: 'rate',
      kind: 'unauthorized',
      count: 6,
    });
    for (let i = 0; i < 3; i++)
      expect((await h.request('POST', '/v1/rates', RATE_BODY(['ups']))).status).toBe(200);
    receiver.failNext(1, 503, of('unauthorized_rising'));
    await evaluate();
    await evaluate();
    const alert = await firing(receiver, 'unauthorized_rising', 'ups-sandbox');
    expect(alert).toMatchObject({
      carrier: 'ups',
      severity: 'warning',
      value: '3',
      triage: { classification: 'token_expired', runbook: { kind: 'fail_over' } },
    });
    // The first attempt was refused with 503 and retried with the same delivery id.
    const attempts = receiver.attempts.filter((d) => d.alert.id === alert.id && d.alert.status === 'firing');
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2]);
    expect(new Set(attempts.map((d) => d.id)).size).toBe(1);
    expect(receiver.attempts.every((d) => d.signatureValid)).toBe(true);

    await evaluate(); // still firing: nothing more is sent
    await letWindowsPass();
    const resolution = await resolved(receiver, 'unauthorized_rising', 'ups-sandbox');
    expect(resolution.id).toBe(alert.id);
    await evaluate();
    expect(deliveries(receiver, 'unauthorized_rising').map((a) => a.status)).toEqual(['firing', 'resolved']);
  });

  it('refresh_frequency_rising: tokens replaced long before their stated lifetime', async () => {
    // Tokens claim an hour but die after a second: each next call gets a 401 and a forced refresh.
    await h.control.injectFault({
      carrier: 'ups',
      account: 'ups-sandbox-2',
      target: 'token',
      kind: 'short_lifetime',
      params: { lifetimeSeconds: 1 },
    });
    const account = h.accounts.find((a) => a.id === 'ups-sandbox-2')!;
    const definition = h.composed.gateway.core.directory.carrier('ups')!;
    const ctx = h.composed.gateway.core.upstream.context(definition, account);
    for (let i = 0; i < 4; i++) {
      await definition.probe!(ctx); // live traffic on that account (the light tracking call)
      if (i < 3) await new Promise((r) => setTimeout(r, 1_150));
    }
    await evaluate();
    const alert = await firing(receiver, 'refresh_frequency_rising', 'ups-sandbox-2');
    expect(alert.value).toBe('3 early replacements');
    await h.control.clearFaults('ups');
  });

  it('token_success_rate: the token endpoint fails most calls', async () => {
    await h.control.injectFault({
      carrier: 'usps',
      account: 'multipart',
      target: 'token',
      kind: 'server_error',
    });
    for (let i = 0; i < 5; i++) {
      const probe = await h.admin<{ outcome: string }>('POST', '/admin/probes/usps/multipart', {
        fresh: true,
      });
      expect(probe.body.outcome).toBe('fail');
    }
    await evaluate();
    const alert = await firing(receiver, 'token_success_rate', 'multipart');
    expect(alert).toMatchObject({
      severity: 'critical',
      value: '0%',
      triage: { classification: 'unavailable' },
    });
    await h.control.clearFaults('usps');
    await letWindowsPass();
    await resolved(receiver, 'token_success_rate', 'multipart');
  });

  it('config_drift: a scope the carrier no longer grants', async () => {
    await h.control.injectFault({
      carrier: 'fedex',
      account: 'fedex-sandbox-2',
      target: 'token',
      kind: 'invalid_scope',
    });
    const account = h.accounts.find((a) => a.id === 'fedex-sandbox-2')!;
    const definition = h.composed.gateway.core.directory.carrier('fedex')!;
    await expect(
      definition.probe!(h.composed.gateway.core.upstream.context(definition, account)),
    ).rejects.toMatchObject({
      failureClass: 'misconfigured',
    });
    await evaluate();
    const alert = await firing(receiver, 'config_drift', 'fedex-sandbox-2');
    expect(alert).toMatchObject({
      severity: 'critical',
      summary: expect.stringContaining('configuration drift'),
      triage: {
        classification: 'misconfigured',
        runbook: { kind: 'fix_configuration', fix: expect.any(Array) },
      },
    });
    await h.control.clearFaults('fedex');
  });

  it('breaker_open: the auth breaker opens on refused credentials, and closes', async () => {
    await h.control.injectFault({
      carrier: 'fedex',
      account: 'fedex-sandbox',
      target: 'token',
      kind: 'invalid_client',
    });
    await h.admin('POST', '/admin/credentials/fedex/fedex-sandbox/revoke');
    for (
      let i = 0;
      i < 4 && h.composed.gateway.board.for('fedex', 'fedex-sandbox').auth.state === 'closed';
      i++
    ) {
      await h.request('POST', '/v1/rates', RATE_BODY(['fedex']));
    }
    expect(h.composed.gateway.board.for('fedex', 'fedex-sandbox').auth.state).toBe('open');
    const alert = await firing(receiver, 'breaker_open', 'fedex-sandbox');
    expect(alert).toMatchObject({
      severity: 'critical',
      subject: 'auth',
      triage: { classification: 'misconfigured', runbook: { kind: 'fix_configuration' } },
    });
    await h.control.clearFaults('fedex');
    const closed = await h.admin('POST', '/admin/breakers/fedex/fedex-sandbox', {
      kind: 'auth',
      state: 'closed',
    });
    expect(closed.status).toBe(200);
    time.offset += CLEAR_MS;
    await evaluate();
    const resolution = await resolved(receiver, 'breaker_open', 'fedex-sandbox');
    expect(resolution.id).toBe(alert.id);
  });

  it('caller_new_network: a caller key used from a new country or network', async () => {
    const subjects = () => deliveries(receiver, 'caller_new_network').map((a) => a.subject ?? '');
    // Where the key was first seen (the healthy traffic above) is known: no anomaly.
    await h.request('GET', '/v1/carriers', undefined, { headers: headers('FR', '203.0.113.99') });
    await evaluate();
    expect(subjects().filter((s) => s.includes('FR') || s.includes('203.0.113'))).toEqual([]);
    await h.request('GET', '/v1/carriers', undefined, { headers: headers('US', '198.51.100.7') });
    await evaluate();
    const found = await eventually(() => {
      const all = subjects();
      const us = all.find((s) => s.endsWith('country US'));
      const net = all.find((s) => s.endsWith('network 198.51.100.0/24'));
      return us && net ? [us, net] : undefined;
    }, 'both anomalies');
    // Keys are named by a hash prefix, never by value.
    expect(found[0]).toMatch(/^key_[0-9a-f]{12} country US$/);
    // Without the trusted header, the socket address places the request (loopback here).
    await h.request('GET', '/v1/carriers');
    await evaluate();
    await eventually(
      () => (subjects().some((s) => s.endsWith('network 127.0.0.0/24')) ? true : undefined),
      'the socket network',
    );
    expect(JSON.stringify(receiver.attempts)).not.toContain(h.apiKey);
  });

  it('sends nothing that carries a secret', () => {
    const text = JSON.stringify(receiver.attempts);
    for (const account of h.accounts)
      for (const value of Object.values(account.secrets)) expect(text).not.toContain(value);
    expect(text).not.toContain(h.adminKey);
  });
});

describe('alert rules on dates', () => {
  let h: HealthHarness;
  let receiver: WebhookReceiver;
  const time = clock();
  const evaluate = () => h.composed.health.evaluate();
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const now = Date.now();
    const rotation = {
      'ups-sandbox': { credentialExpiresAt: iso(now + 3 * DAY_MS) },
      'ups-sandbox-2': { lastRotatedAt: iso(now - 100 * DAY_MS), rotateEveryDays: 90 },
      'ups-connected': { credentialExpiresAt: iso(now + 200 * DAY_MS) },
    };
    h = await startHealthHarness({
      carriers: ['ups'],
      health: {
        ...healthOptions(receiver, time.now),
        // The same rotation policies, except ups-sandbox's secret was rotated: a reload clears its alert.
        reload: async () => ({
          accounts: h.accounts,
          accountConfig: (_c, id) => ({
            probe: { enabled: true },
            rotation:
              id === 'ups-sandbox'
                ? { credentialExpiresAt: iso(now + 365 * DAY_MS) }
                : rotation[id as keyof typeof rotation],
          }),
        }),
      },
      config: (config) => ({
        ...config,
        carriers: {
          ups: {
            enabled: true,
            fallbacks: [],
            breaker: config.carriers.ups?.breaker ?? ({} as never),
            timeouts: { connectMs: 3_000, totalMs: 15_000, tokenMs: 10_000 },
            accounts: Object.entries(rotation).map(([id, r]) => ({
              id,
              probe: { enabled: true, intervalMs: 60_000 },
              rotation: r,
            })),
          },
        },
      }),
      // ups-connected holds a refresh token (authorization code): its expiry is a deadline too.
      accounts: (_c, accounts) =>
        accounts.map((a) => (a.id === 'ups-connected' ? { ...a, authMethod: 'authorization_code' } : a)),
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('credential_expiry: a credential, a rotation date and a refresh token nearing their dates', async () => {
    // A live call through the connected account stores its refresh token (60-day lifetime).
    const definition = h.composed.gateway.core.directory.carrier('ups')!;
    const connected = h.accounts.find((a) => a.id === 'ups-connected')!;
    await definition.probe!(h.composed.gateway.core.upstream.context(definition, connected));
    await evaluate();
    const credential = await firing(receiver, 'credential_expiry', 'ups-sandbox');
    expect(credential).toMatchObject({ severity: 'warning', subject: 'credential_expires' });
    const rotationDue = await firing(receiver, 'credential_expiry', 'ups-sandbox-2');
    expect(rotationDue).toMatchObject({ severity: 'critical', subject: 'rotation_due' });
    expect(deliveries(receiver, 'credential_expiry', 'ups-connected')).toEqual([]);

    const inventory = await h.admin<{ credentials: { account: string; rotation: { due: boolean } }[] }>(
      'GET',
      '/admin/credentials',
    );
    expect(inventory.body.credentials.find((c) => c.account === 'ups-sandbox')?.rotation.due).toBe(true);
    expect(inventory.body.credentials.find((c) => c.account === 'ups-connected')?.rotation.due).toBe(false);

    // Fifty days on, the refresh token has ten days left.
    time.offset += 50 * DAY_MS;
    await evaluate();
    const refresh = await firing(receiver, 'credential_expiry', 'ups-connected');
    expect(refresh).toMatchObject({ severity: 'warning', subject: 'refresh_token_expires' });
    time.offset -= 50 * DAY_MS;

    // The rotated secret is reloaded: its incident resolves.
    expect((await h.admin('POST', '/admin/credentials/reload')).status).toBe(200);
    await evaluate();
    time.offset += CLEAR_MS;
    await evaluate();
    expect((await resolved(receiver, 'credential_expiry', 'ups-sandbox')).id).toBe(credential.id);
  });
});

describe('alert rules on usage', () => {
  let h: HealthHarness;
  let receiver: WebhookReceiver;
  const time = clock();
  const evaluate = () => h.composed.health.evaluate();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHealthHarness({ carriers: ['ups'], health: healthOptions(receiver, time.now) });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('credential_dormant: a credential nobody used for 30 days', async () => {
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['ups']))).status).toBe(200);
    time.offset += 29 * DAY_MS;
    await evaluate();
    expect(deliveries(receiver, 'credential_dormant')).toEqual([]);
    time.offset += 2 * DAY_MS;
    await evaluate();
    const dormant = await firing(receiver, 'credential_dormant', 'ups-sandbox');
    expect(dormant.value).toMatch(/^3\d(\.\d)? days$/);
    // Used again: resolved; the account nobody uses stays dormant.
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['ups']))).status).toBe(200);
    await evaluate();
    time.offset += CLEAR_MS;
    await evaluate();
    expect((await resolved(receiver, 'credential_dormant', 'ups-sandbox')).id).toBe(dormant.id);
    expect(deliveries(receiver, 'credential_dormant', 'ups-sandbox-2').map((a) => a.status)).toEqual([
      'firing',
    ]);
  });
});
