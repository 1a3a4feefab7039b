/**
 * The API breaker, separate from the auth one: UPS's rating answers 503. Rates that name UPS
 * fail over to FedEx on each failure (the answer says so), the API breaker opens within its
 * volume (the auth breaker stays closed: the credential is fine), and then a UPS label skips
 * UPS (certainly nothing was sent) and is bought from FedEx. After the reset, one probe brings
 * traffic back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { AMPLE_BUDGET, breakersOf, labelBody, policyWith, rateBody, watchBreakers } from './support.ts';

const API = {
  errorThresholdPercentage: 50,
  volumeThreshold: 4,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 1_000,
};

describe("UPS's rating answers 503", () => {
  let h: GatewayHarness;
  let breakers: ReturnType<typeof watchBreakers>;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      policy: policyWith({ api: API }),
      budget: AMPLE_BUDGET,
    });
    breakers = watchBreakers(h);
  });
  afterAll(() => h.close());

  it('each failed UPS quote is replaced by FedEx, and the answer says so; the API breaker opens within its volume', async () => {
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'rate',
      kind: 'server_error',
      params: { status: 503 },
    });
    let sent = 0;
    while ((await breakersOf(h, 'ups')).api.state !== 'open' && sent < API.volumeThreshold) {
      const { status, body } = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
      sent += 1;
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.rates.length).toBeGreaterThan(0);
      expect(body.rates.every((r) => r.carrier === 'fedex')).toBe(true);
      expect(body.messages).toEqual([expect.objectContaining({ carrier: 'ups', class: 'unavailable' })]);
      expect(body.messages[0]?.text).toContain('FedEx quoted instead');
      expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
      expect(body.routing[0]?.attempts.map((a) => [a.carrier, a.outcome, a.class])).toEqual([
        ['ups', 'failed', 'unavailable'],
        ['fedex', 'success', undefined],
      ]);
    }
    const view = await breakersOf(h, 'ups');
    expect(view.api.state).toBe('open');
    expect(view.auth.state).toBe('closed');
    expect(sent).toBeLessThanOrEqual(API.volumeThreshold);
  });

  it('with the API breaker open, a UPS label is bought from FedEx (nothing was sent to UPS)', async () => {
    const halfOpensBefore = breakers.count('ups', 'api', 'half_open');
    const shipCallsBefore = (await h.control.stats('ups')).apiCalls.label;
    const { status, body } = await h.request<Label>('POST', '/v1/labels', labelBody('api-open'), {
      'idempotency-key': crypto.randomUUID(),
    });
    expect(status, JSON.stringify(body)).toBe(201);
    // Only if the breaker half-opened meanwhile (a very slow machine) may this label be UPS's probe.
    if (breakers.count('ups', 'api', 'half_open') === halfOpensBefore) {
      expect(body).toMatchObject({ carrier: 'fedex', service: { code: 'FEDEX_GROUND', level: 'ground' } });
      expect(body.routing).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
      expect(body.routing.attempts[0]).toMatchObject({ carrier: 'ups', outcome: 'skipped' });
      expect((await h.control.stats('ups')).apiCalls.label).toEqual(shipCallsBefore);
    }
  });

  it('after the reset timeout, one probe reaches UPS and closes the API breaker', async () => {
    await h.control.clearFaults('ups');
    if ((await breakersOf(h, 'ups')).api.state === 'open') await breakers.next('ups', 'api', 'half_open');
    const { status, body } = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
    expect(status).toBe(200);
    expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'ups', failedOver: false });
    expect(body.messages).toEqual([]);
    expect((await breakersOf(h, 'ups')).api.state).toBe('closed');
  });
});
