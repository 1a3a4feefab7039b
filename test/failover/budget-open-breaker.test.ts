/**
 * Routing straight past a carrier whose breaker is open sends it nothing: the fallback's call
 * is the only call, not a retry, so it must not spend the failover budget. With the budget at
 * zero, requests for a carrier whose auth breaker is open are still served by its fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { labelBody, rateBody } from './support.ts';

describe('an open breaker is routed around without spending the budget', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      budget: { ratio: 0, minPerWindow: 0, windowMs: 60_000 },
    });
    const [account] = h.composed.gateway.core.directory.accounts('ups');
    h.composed.gateway.board.for('ups', account!.id).auth.forceOpen();
  });
  afterAll(() => h.close());

  it('rates for the carrier are quoted by its fallback', async () => {
    const { status, body } = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rates.length).toBeGreaterThan(0);
    expect(body.rates.every((r) => r.carrier === 'fedex')).toBe(true);
    expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
  });

  it('a label for the carrier is bought from its fallback', async () => {
    const { status, body } = await h.request<Label>('POST', '/v1/labels', labelBody('open-breaker-1'), {
      'idempotency-key': crypto.randomUUID(),
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.carrier).toBe('fedex');
    expect(body.routing.attempts.map((a) => a.outcome)).toEqual(['skipped', 'success']);
  });
});
