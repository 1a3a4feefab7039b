/**
 * Synthetic probes over real HTTP against the carrier simulators: an error hidden in an
 * HTTP 200 token answer is caught while /healthz stays green and live traffic keeps working;
 * the account is failing after the first probe that saw it; probes never touch the live token
 * cache; concurrent-refresh probes; the probe token budget; probes off for an account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarriersResponse } from '../../src/domain/carriers-view.ts';
import type { ProbeResult } from '../../src/health/probe/types.ts';
import { eventually, type HealthHarness, RATE_BODY, startHealthHarness } from './support/harness.ts';

const INTERVAL_MS = 250;

async function accountHealth(h: HealthHarness, carrier: string, account: string) {
  const { body } = await h.request<CarriersResponse>('GET', '/v1/carriers');
  return body.carriers.find((c) => c.id === carrier)?.accounts.find((a) => a.id === account);
}

const scheduled = (h: HealthHarness, carrier: string, account: string) =>
  h.composed.health
    .probes()
    .filter((p) => p.carrier === carrier && p.account === account && p.kind === 'scheduled')
    .reverse(); // oldest first

describe('scheduled probes', () => {
  let h: HealthHarness;
  beforeAll(async () => {
    h = await startHealthHarness({
      carriers: ['ups', 'fedex'],
      health: { settings: { probeIntervalMs: INTERVAL_MS, evaluateIntervalMs: 100 } },
      config: (config) => ({
        ...config,
        carriers: {
          fedex: {
            enabled: true,
            fallbacks: [],
            breaker: config.carriers.fedex?.breaker ?? ({} as never),
            timeouts: { connectMs: 3_000, totalMs: 15_000, tokenMs: 10_000 },
            accounts: [{ id: 'fedex-sandbox-2', probe: { enabled: false, intervalMs: INTERVAL_MS } }],
          },
        },
      }),
    });
  });
  afterAll(() => h.close());

  it('catch an HTTP 200 token answer with an error body while /healthz stays green', async () => {
    // Live traffic first: the live cache holds a FedEx token.
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['fedex']))).status).toBe(200);
    const liveBefore = await h.composed.broker.inspect(h.accounts.find((a) => a.id === 'fedex-sandbox')!);
    expect(liveBefore).toBeDefined();
    await eventually(
      async () =>
        (await accountHealth(h, 'fedex', 'fedex-sandbox'))?.health.state === 'healthy' ? true : undefined,
      'fedex-sandbox healthy',
    );

    await h.control.injectFault({
      carrier: 'fedex',
      account: 'fedex-sandbox',
      target: 'token',
      kind: 'error_body_200',
    });
    const injectedAt = Date.now();
    // The first scheduled probe that started after the fault already fails: failing within one interval.
    const first = await eventually(
      () => scheduled(h, 'fedex', 'fedex-sandbox').find((p) => p.at >= injectedAt),
      'a probe after the fault',
    );
    expect(first.outcome, JSON.stringify(first)).toBe('fail');
    expect(first.findings).toEqual([
      expect.objectContaining({
        code: 'embedded_error',
        errorCode: 'NOT.AUTHORIZED.ERROR',
        failureClass: 'misconfigured',
      }),
    ]);
    expect(first.steps[0]).toMatchObject({ step: 'token', ok: false, failureClass: 'malformed' });
    const failing = await eventually(async () => {
      const a = await accountHealth(h, 'fedex', 'fedex-sandbox');
      return a?.health.state === 'failing' ? a : undefined;
    }, 'fedex-sandbox failing');
    // It became failing on that first probe: no later probe was needed.
    expect(
      scheduled(h, 'fedex', 'fedex-sandbox').filter((p) => p.at >= injectedAt).length,
    ).toBeGreaterThanOrEqual(1);
    expect(failing.health).toMatchObject({
      // The error inside the 200 says the client credentials were refused: configuration.
      classification: 'misconfigured',
      triage: { classification: 'misconfigured', action: 'fix_configuration', evidence: 'synthetic probe' },
      probe: { outcome: 'fail', class: 'misconfigured', code: 'NOT.AUTHORIZED.ERROR' },
    });

    // Meanwhile the process is alive and checkout works on the cached live token.
    const healthz = await h.request<{ status: string }>('GET', '/healthz', undefined, { key: null });
    expect(healthz).toMatchObject({ status: 200, body: { status: 'ok' } });
    const rates = await h.request<{ rates: unknown[]; messages: unknown[] }>(
      'POST',
      '/v1/rates',
      RATE_BODY(['fedex']),
    );
    expect(rates.status).toBe(200);
    expect(rates.body.messages).toEqual([]);
    const liveAfter = await h.composed.broker.inspect(h.accounts.find((a) => a.id === 'fedex-sandbox')!);
    expect(liveAfter?.fingerprint).toBe(liveBefore?.fingerprint);

    await h.control.clearFaults('fedex');
    await eventually(
      async () =>
        (await accountHealth(h, 'fedex', 'fedex-sandbox'))?.health.state === 'healthy' ? true : undefined,
      'fedex-sandbox healthy again',
    );
  });

  it('skip an account whose probes are off', async () => {
    await eventually(
      () => (scheduled(h, 'fedex', 'fedex-sandbox').length >= 2 ? true : undefined),
      'fedex probes',
    );
    expect(scheduled(h, 'fedex', 'fedex-sandbox-2')).toEqual([]);
  });
});

describe('on-demand probes', () => {
  let h: HealthHarness;
  beforeAll(async () => {
    h = await startHealthHarness({ carriers: ['ups', 'fedex', 'usps'] });
  });
  afterAll(() => h.close());

  const probe = (carrier: string, account: string, body?: unknown) =>
    h.admin<ProbeResult & { class?: string }>('POST', `/admin/probes/${carrier}/${account}`, body);
  const tokenCalls = async (carrier: string, account: string) =>
    (await h.control.stats(carrier)).tokenCalls[account] ?? 0;

  it('obtain their own token and leave the live cache alone', async () => {
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['fedex']))).status).toBe(200);
    const account = h.accounts.find((a) => a.id === 'fedex-sandbox')!;
    const live = await h.composed.broker.inspect(account);
    const callsBefore = await tokenCalls('fedex', 'fedex-sandbox');

    const { status, body } = await probe('fedex', 'fedex-sandbox');
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'pass', kind: 'on_demand', findings: [] });
    expect(body.steps.map((s) => [s.step, s.ok])).toEqual([
      ['token', true],
      ['payload', true],
      ['api', true],
    ]);
    expect(await tokenCalls('fedex', 'fedex-sandbox')).toBe(callsBefore + 1);
    expect((await h.composed.broker.inspect(account))?.fingerprint).toBe(live?.fingerprint);
  });

  it('run a concurrent-refresh probe and notice a token the carrier refuses afterwards', async () => {
    const callsBefore = await tokenCalls('ups', 'ups-sandbox');
    const good = await probe('ups', 'ups-sandbox', { concurrent: 3 });
    expect(good.body).toMatchObject({
      outcome: 'pass',
      kind: 'concurrent',
      concurrent: { instances: 3, tokensObtained: 3, tokensAccepted: 3 },
    });
    expect(await tokenCalls('ups', 'ups-sandbox')).toBe(callsBefore + 3);

    // One of the three tokens is refused on its first use, as if the carrier kept only the newest.
    await h.control.injectFault({
      carrier: 'ups',
      account: 'ups-sandbox',
      target: 'api',
      kind: 'unauthorized',
      count: 1,
    });
    const bad = await probe('ups', 'ups-sandbox', { concurrent: 3 });
    expect(bad.body).toMatchObject({
      outcome: 'fail',
      class: 'token_expired',
      code: 'concurrent_token_refused',
      concurrent: { instances: 3, tokensObtained: 3, tokensAccepted: 2 },
    });
  });

  it('spend at most a tenth of an hourly token allowance (USPS: 60 an hour)', async () => {
    const before = await tokenCalls('usps', 'default');
    const first = await probe('usps', 'default');
    const second = await probe('usps', 'default');
    expect(first.body.outcome).toBe('pass');
    expect(second.body.outcome).toBe('pass');
    expect(second.body.steps[0]?.detail).toContain('reused');
    expect(await tokenCalls('usps', 'default')).toBe(before + 1);
    const forced = await probe('usps', 'default', { fresh: true });
    expect(forced.body.steps[0]?.detail).toBe('obtained a new token');
    expect(await tokenCalls('usps', 'default')).toBe(before + 2);
  });

  it('answer 404 for an unknown account and 400 for a bad body', async () => {
    expect((await probe('ups', 'nope')).status).toBe(404);
    expect((await probe('ups', 'ups-sandbox', { concurrent: 50 })).status).toBe(400);
  });
});
