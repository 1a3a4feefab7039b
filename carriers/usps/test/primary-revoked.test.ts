/**
 * USPS labels need the OAuth token AND a payment authorization token obtained with it. When
 * USPS kills the OAuth token while the broker still has it cached, the payment endpoint
 * answers 401: the broker renews the OAuth token once and the label is bought.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarrierLabelRequest, ServiceDefinition } from '../../../src/carrier/definition.ts';
import type { Address } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { USPS_SERVICES } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

let harness: CarrierHarness;
beforeAll(async () => {
  harness = await startCarrierHarness(carrier, createSimulator);
});
afterAll(async () => {
  await harness?.close();
});

const shipper: Address = {
  name: 'Sam Wilson',
  lines: ['45 L St SW'],
  city: 'Washington',
  stateCode: 'DC',
  postalCode: '20024',
  countryCode: 'US',
};
const recipient: Address = {
  name: 'Nick Fury',
  lines: ['2700 S Jefferson Ave'],
  city: 'St. Louis',
  stateCode: 'MO',
  postalCode: '63104',
  countryCode: 'US',
};
const ground = USPS_SERVICES.find((s) => s.code === 'USPS_GROUND_ADVANTAGE') as ServiceDefinition;
const label: CarrierLabelRequest = {
  service: ground,
  shipper,
  recipient,
  parcels: [
    { weight: { value: 16, unit: 'oz' }, dimensions: { length: 9, width: 6, height: 2, unit: 'in' } },
  ],
  format: 'PDF',
  reference: 'revoked-primary',
};

const tokenCalls = async (): Promise<number> => {
  const byGrant = (await harness.control.stats('usps')).tokenCallsByGrant;
  return Object.values(byGrant).reduce(
    (sum, grants) => sum + Object.values(grants ?? {}).reduce((a, b) => a + b, 0),
    0,
  );
};

describe('USPS label after the OAuth token was revoked behind the cache', () => {
  it('renews the OAuth token exactly once, obtains the payment token with it, and buys the label', async () => {
    // A rate caches the OAuth token (no payment token yet).
    const rates = await carrier.rate(harness.context(), {
      shipper,
      recipient,
      parcels: label.parcels,
      services: ['ground'],
    });
    expect(rates.length).toBeGreaterThan(0);
    const before = await tokenCalls();
    expect(before).toBe(1);

    await harness.control.revoke({ carrier: 'usps' });
    const bought = await carrier.createLabel(harness.context(), label);
    expect(bought.trackingNumber).toMatch(/\d{10,}/);
    expect(bought.mediaType).toBe('application/pdf');

    expect((await tokenCalls()) - before).toBe(1);
    const payment = (await harness.control.stats('usps')).apiCalls.payment ?? {};
    expect(payment['401']).toBe(1); // the dead OAuth token, shown once
    expect(Object.entries(payment).filter(([status]) => status.startsWith('2'))).toHaveLength(1);
  });
});
