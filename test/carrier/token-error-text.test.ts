/**
 * The carrier's own words survive the token path: a refused token call says what the
 * carrier said (UPS's `errors[].message`, an OAuth `error_description`), never only
 * "carrier error (HTTP 401)"; a text that echoes a secret is left out whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrier as ups } from '../../carriers/ups/index.ts';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { carrier as usps } from '../../carriers/usps/index.ts';
import { createSimulator as uspsSimulator } from '../../carriers/usps/simulator/index.ts';
import { classifyAnswer } from '../../src/auth/classify.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import type { RateRequest } from '../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../support/carrier-harness.ts';

const request: RateRequest = {
  shipper: { lines: ['1 Main St'], city: 'Atlanta', stateCode: 'GA', postalCode: '30301', countryCode: 'US' },
  recipient: {
    lines: ['350 5th Ave'],
    city: 'New York',
    stateCode: 'NY',
    postalCode: '10118',
    countryCode: 'US',
  },
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
};

async function refusal(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarrierError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('token error text', () => {
  let upsH: CarrierHarness;
  let uspsH: CarrierHarness;
  beforeAll(async () => {
    upsH = await startCarrierHarness(ups, upsSimulator);
    uspsH = await startCarrierHarness(usps, uspsSimulator);
  });
  afterAll(async () => {
    await upsH.close();
    await uspsH.close();
  });

  it("keeps UPS's message from its token endpoint", async () => {
    await upsH.control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client', count: 1 });
    const error = await refusal(ups.rate(upsH.context(), request));
    expect(error).toMatchObject({ failureClass: 'misconfigured', code: '250002', auth: true });
    expect(error.message).toContain('Invalid Authentication Information');
    expect(error.message).not.toBe('carrier error (HTTP 401)');
  });

  it('keeps the OAuth error_description of the USPS token endpoint', async () => {
    await uspsH.control.injectFault({ carrier: 'usps', target: 'token', kind: 'invalid_client', count: 1 });
    const error = await refusal(usps.rate(uspsH.context(), request));
    expect(error).toMatchObject({ failureClass: 'misconfigured', code: 'invalid_client' });
    expect(error.message).toContain('Client authentication failed.');
  });

  it('cleans the text to one line and leaves out token-like runs', () => {
    const answer = {
      status: 401,
      headers: new Headers({ 'content-type': 'application/json' }),
      text: '',
      json: {
        error: 'invalid_grant',
        error_description: 'refresh token\n eyJhbGciOiJIUzI1NiJ9abcdefghijklmnop expired',
      },
    };
    expect(classifyAnswer(answer, 0).carrierText).toBe('refresh token […] expired');
  });
});
