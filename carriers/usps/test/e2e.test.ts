/**
 * The USPS mapping through a real CarrierContext (real broker, real upstream client) against
 * the USPS simulator over HTTP: rates, labels in every format, tracking, error mapping, quirks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sandbox/kit/types.ts';
import type { CarrierLabelRequest, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Address, LabelFormat, RateRequest } from '../../../src/domain/shipment.ts';
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
// No control reset between tests: it would revoke the simulator's tokens behind the broker's
// cache and add token calls to later tests (the broker heals it with one primary refresh, see
// primary-revoked.test.ts). Faults are cleared instead, and counts are measured as differences.
afterEach(async () => {
  await harness.control.clearFaults('usps');
});

type Stats = Awaited<ReturnType<CarrierHarness['control']['stats']>>;
const stats = (): Promise<Stats> => harness.control.stats('usps');
const count = (table: Record<string, number> | undefined, key: string): number => table?.[key] ?? 0;

const inject = (spec: Omit<FaultSpec, 'carrier'>) =>
  harness.control.injectFault({ carrier: 'usps', ...spec });

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
  lines: ['2700 S Jefferson Ave', 'STE 150'],
  city: 'St. Louis',
  stateCode: 'MO',
  postalCode: '63104-2351',
  countryCode: 'US',
};
const paris: Address = {
  name: 'Ada Shopper',
  lines: ['1 Rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
};

const domesticRates: RateRequest = {
  shipper,
  recipient,
  parcels: [
    { weight: { value: 1.2, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
};

const service = (code: string): ServiceDefinition => {
  const found = USPS_SERVICES.find((s) => s.code === code);
  if (!found) throw new Error(code);
  return found;
};

const labelRequest = (
  format: LabelFormat,
  extra: Partial<CarrierLabelRequest> = {},
): CarrierLabelRequest => ({
  service: service('USPS_GROUND_ADVANTAGE'),
  shipper,
  recipient,
  parcels: [
    { weight: { value: 16, unit: 'oz' }, dimensions: { length: 9, width: 6, height: 2, unit: 'in' } },
  ],
  format,
  reference: 'order-42',
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(CarrierError);
    return e as CarrierError;
  }
  throw new Error('expected a CarrierError');
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: bytes.slice(), useSystemFonts: true }).promise;
  const page = await pdf.getPage(1);
  const content = await page.getTextContent();
  return content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
}

describe('rates', () => {
  it('domestic: four mail classes with unified levels and decimal-string prices, one shipping-options call', async () => {
    const before = await stats();
    const rates = await carrier.rate(harness.context(), domesticRates);
    expect(rates.map((r) => [r.service.code, r.service.level]).sort()).toEqual([
      ['PARCEL_SELECT', 'economy'],
      ['PRIORITY_MAIL', 'express'],
      ['PRIORITY_MAIL_EXPRESS', 'overnight'],
      ['USPS_GROUND_ADVANTAGE', 'ground'],
    ]);
    for (const rate of rates) {
      expect(rate.total.currency).toBe('USD');
      expect(rate.total.amount).toMatch(/^\d+\.\d{2}$/);
      expect(rate.warnings).toBeUndefined();
    }
    expect(count((await stats()).apiCalls.rate, '200') - count(before.apiCalls.rate, '200')).toBe(1);
  });

  it('several parcels are priced one by one and summed exactly', async () => {
    const one = await carrier.rate(harness.context(), { ...domesticRates, services: ['ground'] });
    const two = await carrier.rate(harness.context(), {
      ...domesticRates,
      services: ['ground'],
      parcels: [...domesticRates.parcels, ...domesticRates.parcels],
    });
    const cents = (amount: string | undefined) => Math.round(Number(amount) * 100);
    expect(cents(two[0]?.total.amount)).toBe(2 * cents(one[0]?.total.amount));
  });

  it('international: shipping options abroad, and a class whose weight does not qualify is left out', async () => {
    const rates = await carrier.rate(harness.context(), { ...domesticRates, recipient: paris });
    expect(rates.map((r) => r.service.level).sort()).toEqual(['economy', 'express', 'standard']);
    const heavy = await carrier.rate(harness.context(), {
      ...domesticRates,
      recipient: paris,
      parcels: [{ weight: { value: 3, unit: 'kg' } }],
    });
    expect(heavy.map((r) => r.service.code).sort()).toEqual([
      'PRIORITY_MAIL_EXPRESS_INTERNATIONAL',
      'PRIORITY_MAIL_INTERNATIONAL',
    ]);
  });

  it('8-hour tokens: once there is a token, more calls make no token call', async () => {
    await carrier.rate(harness.context(), domesticRates);
    const before = await stats();
    await carrier.rate(harness.context(), domesticRates);
    await carrier.rate(harness.context(), domesticRates);
    const after = await stats();
    expect(count(after.tokenCalls, 'default')).toBe(count(before.tokenCalls, 'default'));
    // One shipping-options call per parcel answers every mail class.
    expect(count(after.apiCalls.rate, '200') - count(before.apiCalls.rate, '200')).toBe(2);
  });
});

describe('labels and tracking', () => {
  it('PDF: %PDF- bytes that pdfjs opens, with the tracking number on the page', async () => {
    const label = await carrier.createLabel(harness.context(), labelRequest('PDF'));
    expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
    expect(label.mediaType).toBe('application/pdf');
    expect(await pdfText(label.document!)).toContain(label.trackingNumber);
    expect(label.price?.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('ZPL, PNG and GIF documents', async () => {
    const zpl = await carrier.createLabel(harness.context(), labelRequest('ZPL'));
    const text = new TextDecoder().decode(zpl.document!);
    expect(text.startsWith('^XA')).toBe(true);
    expect(text).toContain(zpl.trackingNumber);
    const png = await carrier.createLabel(harness.context(), labelRequest('PNG'));
    expect([...png.document!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const gif = await carrier.createLabel(harness.context(), labelRequest('GIF'));
    expect(new TextDecoder().decode(gif.document!.subarray(0, 6))).toBe('GIF89a');
  });

  it('the default multipart/form-data answer (account setting labelResponse=multipart)', async () => {
    const label = await carrier.createLabel(harness.context('multipart'), labelRequest('PDF'));
    expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
    expect(await pdfText(label.document!)).toContain(label.trackingNumber);
  });

  it('two tokens: one payment authorization serves several labels', async () => {
    await carrier.createLabel(harness.context(), labelRequest('PDF'));
    const before = await stats();
    await carrier.createLabel(harness.context(), labelRequest('PDF', { reference: 'two-tokens' }));
    await carrier.createLabel(harness.context(), labelRequest('ZPL', { reference: 'two-tokens' }));
    const after = await stats();
    expect(count(after.apiCalls.payment, '200')).toBe(count(before.apiCalls.payment, '200'));
    expect(count(after.apiCalls.label, '200') - count(before.apiCalls.label, '200')).toBe(2);
    expect(after.labelsByReference['two-tokens']).toBe(2);
  });

  it('tracks a label just bought', async () => {
    const label = await carrier.createLabel(harness.context(), labelRequest('PDF'));
    const tracking = await carrier.track(harness.context(), label.trackingNumber);
    expect(tracking).toMatchObject({
      carrier: 'usps',
      trackingNumber: label.trackingNumber,
      status: 'pre_transit',
    });
    expect(tracking.events[0]).toMatchObject({
      code: 'GX',
      status: 'pre_transit',
      location: { city: 'Washington' },
    });
  });

  it('the probe is one authenticated prices call', async () => {
    const before = await stats();
    await carrier.probe?.(harness.context());
    const after = await stats();
    expect(count(after.apiCalls.rate, '200') - count(before.apiCalls.rate, '200')).toBe(1);
  });
});

describe('errors mapped to unified classes', () => {
  it('invalid request: a past mailing date is rejected with 160001, nothing bought', async () => {
    const before = await stats();
    const error = await failure(
      carrier.createLabel(harness.context(), labelRequest('PDF', { shipDate: '2020-01-01' })),
    );
    expect(error).toMatchObject({ failureClass: 'rejected', code: '160001', outcome: 'rejected' });
    expect(error.message).toContain('packageDescription.mailingDate');
    expect((await stats()).labelsCreated).toBe(before.labelsCreated);
  });

  it('unknown tracking number: rejected with 150002', async () => {
    const error = await failure(carrier.track(harness.context(), '9200000000000000000000'));
    expect(error).toMatchObject({ failureClass: 'rejected', code: '150002' });
  });

  it('payment authorization refused (160218 requires CRID): misconfigured auth failure, nothing sent', async () => {
    const total = (s: Stats) => Object.values(s.apiCalls.label ?? {}).reduce((a, b) => a + b, 0);
    const before = await stats();
    const error = await failure(carrier.createLabel(harness.context('no-crid'), labelRequest('PDF')));
    expect(error).toMatchObject({
      failureClass: 'misconfigured',
      code: '160218',
      auth: true,
      outcome: 'not_sent',
    });
    expect(total(await stats())).toBe(total(before));
  });

  it('API 429 is throttled with Retry-After', async () => {
    await inject({ target: 'api', endpoint: 'rate', kind: 'throttled', params: { retryAfter: 7 } });
    const error = await failure(carrier.rate(harness.context(), domesticRates));
    expect(error).toMatchObject({ failureClass: 'throttled', retryAfterMs: 7_000 });
  });

  it.each([
    ['server_error', { status: 503 }],
    ['html_error', { status: 502 }],
    ['malformed_json', {}],
  ] as const)('API %s is unavailable or malformed, never a rejection', async (kind, params) => {
    await inject({ target: 'api', endpoint: 'track', kind, params });
    const error = await failure(carrier.track(harness.context(), '9200000000000000000000'));
    expect(['unavailable', 'malformed']).toContain(error.failureClass);
  });

  it('one use-time 401 is healed by a forced refresh; a second one is token_expired', async () => {
    await inject({ target: 'api', endpoint: 'rate', kind: 'unauthorized', count: 1 });
    await expect(
      carrier.rate(harness.context(), { ...domesticRates, services: ['ground'] }),
    ).resolves.toHaveLength(1);
    await inject({ target: 'api', endpoint: 'rate', kind: 'unauthorized', count: 2 });
    const error = await failure(carrier.rate(harness.context(), { ...domesticRates, services: ['ground'] }));
    expect(error).toMatchObject({ failureClass: 'token_expired', auth: true });
  });

  it('a label whose connection drops after the purchase is ambiguous, never safe to retry', async () => {
    await carrier.createLabel(harness.context(), labelRequest('PDF'));
    const before = await stats();
    await inject({ target: 'api', endpoint: 'label', kind: 'reset_after_processing', count: 1 });
    const error = await failure(carrier.createLabel(harness.context(), labelRequest('PDF')));
    expect(error.outcome).toBe('ambiguous');
    expect((await stats()).labelsCreated).toBe(before.labelsCreated + 1);
  });

  it('a label whose answer never comes: the caller gives up, the label exists, nothing says not_sent', async () => {
    await carrier.createLabel(harness.context(), labelRequest('PDF'));
    const before = await stats();
    await inject({ target: 'api', endpoint: 'label', kind: 'hang_after_processing', count: 1 });
    const outcome = await carrier
      .createLabel(harness.context('default', AbortSignal.timeout(1_500)), labelRequest('PDF'))
      .then(
        () => 'answered',
        (e: unknown) => (e instanceof CarrierError ? e.outcome : 'caller-aborted'),
      );
    expect(['ambiguous', 'caller-aborted']).toContain(outcome);
    expect((await stats()).labelsCreated).toBe(before.labelsCreated + 1);
  });
});

describe('token endpoint errors (a fresh harness each: no cached token, no cooldown)', () => {
  async function withFreshHarness(test: (h: CarrierHarness) => Promise<void>): Promise<void> {
    const fresh = await startCarrierHarness(carrier, createSimulator);
    try {
      await test(fresh);
    } finally {
      await fresh.close();
    }
  }

  it('invalid_client is misconfigured, an auth failure, nothing sent', async () => {
    await withFreshHarness(async (h) => {
      await h.control.injectFault({ carrier: 'usps', target: 'token', kind: 'invalid_client' });
      const error = await failure(carrier.rate(h.context(), domesticRates));
      expect(error).toMatchObject({ failureClass: 'misconfigured', auth: true, outcome: 'not_sent' });
      expect((await h.control.stats('usps')).apiCalls.rate).toBeUndefined();
    });
  });

  it('429 on the token endpoint is throttled with Retry-After, never revoked', async () => {
    await withFreshHarness(async (h) => {
      await h.control.injectFault({
        carrier: 'usps',
        target: 'token',
        kind: 'throttled',
        params: { retryAfter: 120 },
      });
      const error = await failure(carrier.rate(h.context(), domesticRates));
      expect(error).toMatchObject({ failureClass: 'throttled', auth: true, retryAfterMs: 120_000 });
    });
  });

  it('HTTP 200 with an error body is malformed, not a token', async () => {
    await withFreshHarness(async (h) => {
      await h.control.injectFault({ carrier: 'usps', target: 'token', kind: 'error_body_200' });
      const error = await failure(carrier.rate(h.context(), domesticRates));
      expect(error).toMatchObject({ failureClass: 'malformed', auth: true });
    });
  });

  it('authorization code + PKCE: refreshes rotate the refresh token and never reuse one', async () => {
    await withFreshHarness(async (h) => {
      // The connect flow, done by hand: authorize (auto-approved), then exchange the code.
      const verifier = randomBytes(32).toString('base64url');
      const url = new URL(`${h.simulatorUrl}/oauth2/v3/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'usps-sandbox-client',
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const redirect = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const exchanged = await fetch(`${h.simulatorUrl}/oauth2/v3/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'authorization_code',
          client_id: 'usps-sandbox-client',
          client_secret: 'usps-sandbox-secret',
          code,
          redirect_uri: 'http://127.0.0.1:9/cb',
          code_verifier: verifier,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      const { refresh_token: refreshToken } = (await exchanged.json()) as { refresh_token: string };
      const base = h.accounts[0];
      if (!base) throw new Error('no sandbox account');
      h.accounts.push({
        ...base,
        id: 'pkce',
        authMethod: 'authorization_code',
        secrets: { ...base.secrets, refreshToken },
      });
      await h.control.setMode({ carrier: 'usps', account: 'default', strictRotation: true });

      await carrier.rate(h.context('pkce'), { ...domesticRates, services: ['ground'] });
      // Two use-time 401s force two more refreshes, each with the newest refresh token.
      for (let i = 0; i < 2; i++) {
        await h.control.injectFault({
          carrier: 'usps',
          target: 'api',
          endpoint: 'rate',
          kind: 'unauthorized',
          count: 1,
        });
        await carrier.rate(h.context('pkce'), { ...domesticRates, services: ['ground'] });
      }
      const after = await h.control.stats('usps');
      expect(after.tokenCallsByGrant.default?.refresh_token).toBe(3);
      expect(after.refreshTokenReuse.default ?? 0).toBe(0);
    });
  });
});
