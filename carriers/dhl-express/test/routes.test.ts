/**
 * Which routes DHL Express is asked to quote: every international route, and domestic routes
 * only in the countries where it sells a domestic product (not the US).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateResponse } from '../../../src/domain/shipment.ts';
import {
  ADDRESSES,
  type GatewayHarness,
  startGatewayHarness,
} from '../../../test/support/gateway-harness.ts';
import { carrier } from '../index.ts';
import { DOMESTIC_COUNTRIES } from '../profile.ts';

describe('servesRoute', () => {
  it('serves every international route', () => {
    for (const [from, to] of [
      ['US', 'DE'],
      ['DE', 'US'],
      ['FR', 'DE'],
      ['CN', 'BR'],
      ['US', 'CA'],
    ] as const) {
      expect(carrier.servesRoute({ from, to }), `${from}->${to}`).toBe(true);
    }
  });

  it('serves domestic routes only where DHL Express sells a domestic product', () => {
    for (const country of DOMESTIC_COUNTRIES)
      expect(carrier.servesRoute({ from: country, to: country })).toBe(true);
    for (const country of ['US', 'CA', 'BR', 'CN']) {
      expect(carrier.servesRoute({ from: country, to: country }), country).toBe(false);
    }
  });

  it('refuses what is not a pair of ISO alpha-2 codes', () => {
    expect(carrier.servesRoute({ from: 'usa', to: 'DE' })).toBe(false);
    expect(carrier.servesRoute({ from: '', to: '' })).toBe(false);
  });
});

describe('through the gateway', () => {
  let gw: GatewayHarness;
  beforeAll(async () => {
    gw = await startGatewayHarness({ carriers: ['dhl-express', 'ups'], fallbacks: {} });
  });
  afterAll(() => gw?.close());
  const parcels = [{ weight: { value: 1, unit: 'kg' } }];

  it('a US domestic rate request does not ask DHL Express', async () => {
    const { status, body } = await gw.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels,
    });
    expect(status).toBe(200);
    expect(body.rates.some((r) => r.carrier === 'ups')).toBe(true);
    expect(body.rates.some((r) => r.carrier === 'dhl-express')).toBe(false);
    expect(body.routing.map((r) => r.requested)).not.toContain('dhl-express');
    expect((await gw.control.stats('dhl-express')).apiCalls.rate).toBeUndefined();
  });

  it('an international and a German domestic request are quoted by DHL Express', async () => {
    for (const [shipper, recipient] of [
      [ADDRESSES.paris, ADDRESSES.berlin],
      [ADDRESSES.berlin, { ...ADDRESSES.berlin, city: 'Munich', postalCode: '80331' }],
    ] as const) {
      const { body } = await gw.request<RateResponse>('POST', '/v1/rates', { shipper, recipient, parcels });
      expect(body.rates.some((r) => r.carrier === 'dhl-express')).toBe(true);
    }
  });
});
