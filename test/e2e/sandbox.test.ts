/**
 * Sandbox mode as a user meets it: the whole gateway over HTTP in front of every carrier
 * simulator. Rates from all carriers sorted by price, partial success when one carrier's
 * auth fails, and a label per carrier that then tracks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compareMoney } from '../../src/domain/money.ts';
import type { Label, RateResponse, Tracking } from '../../src/domain/shipment.ts';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';

let gateway: GatewayHarness;
beforeAll(async () => {
  gateway = await startGatewayHarness();
});
afterAll(() => gateway.close());
afterEach(() => gateway.control.clearFaults());

const parcel = {
  weight: { value: 2.5, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
};

function expectSortedByPrice(rates: RateResponse['rates']) {
  for (let i = 1; i < rates.length; i++)
    expect(compareMoney(rates[i - 1]!.total, rates[i]!.total)).toBeLessThanOrEqual(0);
}

describe('sandbox rates', () => {
  it('a US domestic shipment gets rates from UPS, FedEx and USPS, sorted by price', async () => {
    const { status, body } = await gateway.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [parcel],
    });
    expect(status).toBe(200);
    const carriers = new Set(body.rates.map((r) => r.carrier));
    for (const id of ['ups', 'fedex', 'usps']) expect(carriers).toContain(id);
    expectSortedByPrice(body.rates);
    expect(body.messages).toEqual([]);
    for (const rate of body.rates) expect(rate.total.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('France to Germany gets Colissimo, both DHL products and every Carriers I carrier that serves the route, sorted', async () => {
    const { status, body } = await gateway.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.paris,
      recipient: ADDRESSES.berlin,
      parcels: [parcel],
    });
    expect(status).toBe(200);
    const carriers = new Set(body.rates.map((r) => r.carrier));
    for (const id of ['colissimo', 'dhl-express', 'dhl-parcel-de', 'ups', 'fedex'])
      expect(carriers).toContain(id);
    expect(carriers).not.toContain('usps'); // USPS ships from the US only
    expect(body.rates.filter((r) => r.carrier === 'colissimo').every((r) => r.source === 'table')).toBe(true);
    // DHL Parcel DE serves France -> Germany as a DHL Retoure (returns) label, from contract rates.
    expect(body.rates.filter((r) => r.carrier === 'dhl-parcel-de').every((r) => r.source === 'table')).toBe(
      true,
    );
    expect(body.rates.filter((r) => r.carrier === 'dhl-express').every((r) => r.source === 'live')).toBe(
      true,
    );
    expectSortedByPrice(body.rates);
  });

  it('a shipment within Germany adds DHL Parcel DE table rates, marked as such', async () => {
    const { body } = await gateway.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.berlin,
      recipient: { ...ADDRESSES.berlin, city: 'Munich', postalCode: '80331', lines: ['Marienplatz 1'] },
      parcels: [parcel],
    });
    const parcelDe = body.rates.filter((r) => r.carrier === 'dhl-parcel-de');
    expect(parcelDe.length).toBeGreaterThan(0);
    expect(parcelDe.every((r) => r.source === 'table')).toBe(true);
    expect(body.rates.some((r) => r.carrier === 'dhl-express')).toBe(true);
  });
});

const EUR_VALUE = { insuredValue: { amount: '50.00', currency: 'EUR' } };
const LABELS: Record<string, Record<string, unknown>> = {
  ups: { shipper: ADDRESSES.atlanta, recipient: ADDRESSES.newYork, serviceLevel: 'ground', format: 'ZPL' },
  fedex: { shipper: ADDRESSES.atlanta, recipient: ADDRESSES.newYork, serviceLevel: 'ground', format: 'PDF' },
  usps: { shipper: ADDRESSES.atlanta, recipient: ADDRESSES.newYork, serviceLevel: 'ground', format: 'PDF' },
  'dhl-express': {
    shipper: ADDRESSES.paris,
    recipient: ADDRESSES.berlin,
    serviceLevel: 'express',
    format: 'PDF',
    options: EUR_VALUE,
  },
  'dhl-parcel-de': {
    shipper: ADDRESSES.berlin,
    recipient: { ...ADDRESSES.berlin, lines: ['Friedrichstr. 10'] },
    serviceLevel: 'standard',
    format: 'PDF',
  },
  colissimo: {
    shipper: ADDRESSES.paris,
    recipient: { ...ADDRESSES.paris, lines: ['5 avenue Anatole France'], postalCode: '75007' },
    serviceLevel: 'standard',
    format: 'PDF',
  },
};

describe('sandbox rates when one carrier fails', () => {
  // Its own gateway: the failures it provokes rightly open the carrier's auth breaker.
  let isolated: GatewayHarness;
  beforeAll(async () => {
    isolated = await startGatewayHarness({ carriers: ['ups', 'fedex', 'usps'] });
  });
  afterAll(() => isolated.close());

  it("with one carrier's token endpoint failing, answers 200 with the others and one message naming it and its class", async () => {
    await isolated.control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client' });
    await isolated.composed.broker.invalidate();
    const { status, body } = await isolated.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [parcel],
    });
    expect(status).toBe(200);
    const carriers = new Set(body.rates.map((r) => r.carrier));
    expect(carriers).not.toContain('ups');
    expect(carriers).toContain('fedex');
    expect(carriers).toContain('usps');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ carrier: 'ups', class: 'misconfigured' });
  });
});

describe('sandbox labels', () => {
  for (const [carrier, shape] of Object.entries(LABELS)) {
    it(`a ${carrier} label is bought, is a real document, and tracks through /v1/tracking`, async () => {
      const bought = await gateway.request<Label>(
        'POST',
        '/v1/labels',
        {
          carrier,
          parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
          reference: `e2e-${carrier}`,
          failover: 'never',
          ...shape,
        },
        { 'idempotency-key': `e2e-${carrier}-${crypto.randomUUID()}` },
      );
      expect(bought.status, JSON.stringify(bought.body)).toBe(201);
      const label = bought.body;
      expect(label.carrier).toBe(carrier);
      expect(label.routing).toMatchObject({ requested: carrier, servedBy: carrier, failedOver: false });
      const document = Buffer.from(label.data ?? '', 'base64');
      expect(label.missingDocument).toBeUndefined();
      if (label.format === 'PDF') expect(document.subarray(0, 5).toString()).toBe('%PDF-');
      if (label.format === 'ZPL') expect(document.toString()).toMatch(/^\^XA/);

      const tracked = await gateway.request<Tracking>(
        'GET',
        `/v1/tracking/${carrier}/${encodeURIComponent(label.trackingNumber)}`,
      );
      expect(tracked.status, JSON.stringify(tracked.body)).toBe(200);
      expect(tracked.body.trackingNumber).toBe(label.trackingNumber);
      expect(tracked.body.events.length).toBeGreaterThan(0);
    });
  }
});
