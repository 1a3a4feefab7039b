/**
 * The FedEx mapping driven through a real CarrierContext (real broker, real upstream client)
 * against the FedEx simulator over HTTP: rates, labels in every format, tracking of a label
 * just bought, every documented error shape mapped to its unified class, and the quirks.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sandbox/kit/index.ts';
import type { CarrierContext, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Address, RateRequest } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { fedexService } from '../services.ts';
import { createSimulator } from '../simulator/index.ts';

const atlanta: Address = {
  name: 'Ada Shipper',
  lines: ['1 Peachtree St'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30301',
  countryCode: 'US',
};
const newYork: Address = {
  name: 'Bo Buyer',
  lines: ['5 Broadway'],
  city: 'New York',
  stateCode: 'NY',
  postalCode: '10004',
  countryCode: 'US',
};
const toronto: Address = {
  name: 'Cy Client',
  phone: '+14165550100',
  lines: ['100 Queen St W'],
  city: 'Toronto',
  stateCode: 'ON',
  postalCode: 'M5H2N2',
  countryCode: 'CA',
};

const domesticRate: RateRequest = {
  shipper: atlanta,
  recipient: newYork,
  parcels: [
    { weight: { value: 2.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
};

const labelRequest = (patch: Partial<CarrierLabelRequest> = {}): CarrierLabelRequest => ({
  service: fedexService('FEDEX_GROUND')!,
  shipper: atlanta,
  recipient: newYork,
  parcels: [{ weight: { value: 3, unit: 'lb' } }],
  format: 'PDF',
  reference: 'order-42',
  ...patch,
});

/** The CarrierError a call fails with (the test fails if it does not fail). */
async function failure(call: Promise<unknown>): Promise<CarrierError> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(CarrierError);
    return e as CarrierError;
  }
  throw new Error('expected the call to fail');
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  // verbosity 0: the standard-font warning is irrelevant to reading the text layer.
  const task = getDocument({ data: new Uint8Array(bytes), verbosity: 0 });
  const page = await (await task.promise).getPage(1);
  const content = await page.getTextContent();
  await task.destroy();
  return content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
}

const fault = (spec: Omit<FaultSpec, 'carrier'>): FaultSpec => ({ carrier: 'fedex', count: 1, ...spec });

describe('with one harness', () => {
  let harness: CarrierHarness;
  let ctx: CarrierContext;
  beforeAll(async () => {
    harness = await startCarrierHarness(carrier, createSimulator);
    ctx = harness.context();
  });
  afterAll(() => harness.close());
  afterEach(() => harness.control.clearFaults('fedex'));

  describe('rates', () => {
    it('quotes a domestic shipment in USD decimal strings, one token for many calls', async () => {
      await harness.control.reset('fedex');
      const rates = await carrier.rate(ctx, domesticRate);
      const again = await carrier.rate(ctx, domesticRate);
      expect(again).toEqual(rates);
      expect(rates.map((r) => r.service.code)).toEqual([
        'FIRST_OVERNIGHT',
        'PRIORITY_OVERNIGHT',
        'STANDARD_OVERNIGHT',
        'FEDEX_2_DAY_AM',
        'FEDEX_2_DAY',
        'FEDEX_EXPRESS_SAVER',
        'FEDEX_GROUND',
        'SMART_POST',
      ]);
      for (const rate of rates) {
        expect(rate.total.currency).toBe('USD');
        expect(rate.total.amount).toMatch(/^\d+\.\d{2}$/);
        expect(rate.warnings).toBeUndefined();
      }
      expect(rates.find((r) => r.service.code === 'FEDEX_GROUND')?.service.level).toBe('ground');
      // expires_in 3599 arrived as a number and was honoured: the token was cached.
      expect((await harness.control.stats('fedex')).tokenCalls[harness.accounts[0]!.id]).toBe(1);
    });

    it('quotes an international shipment with its 200 alerts as warnings, filtered by level', async () => {
      const rates = await carrier.rate(ctx, { ...domesticRate, recipient: toronto, services: ['express'] });
      expect(rates.map((r) => r.service.code)).toEqual([
        'INTERNATIONAL_FIRST',
        'FEDEX_INTERNATIONAL_PRIORITY_EXPRESS',
        'FEDEX_INTERNATIONAL_PRIORITY',
      ]);
      for (const rate of rates) {
        expect(rate.service.level).toBe('express');
        expect(rate.warnings).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^MONEYBACKGUARANTEE\.NOT\.ELIGIBLE: /),
            expect.stringMatching(/^EDT\.DETAILS\.MISSING: /),
          ]),
        );
      }
    });

    it('a route FedEx does not serve is a rejection, not an outage', async () => {
      const paris: Address = {
        lines: ['1 rue de Rivoli'],
        city: 'Paris',
        postalCode: '75001',
        countryCode: 'FR',
      };
      const e = await failure(
        carrier.rate(ctx, { ...domesticRate, shipper: paris, recipient: { ...paris, city: 'Lyon' } }),
      );
      expect(e).toMatchObject({
        failureClass: 'rejected',
        code: 'RATE.LOCATION.NOSERVICE',
        status: 400,
        outcome: 'rejected',
      });
    });
  });

  describe('labels', () => {
    it('buys a PDF label that pdfjs parses and that shows the tracking number', async () => {
      const label = await carrier.createLabel(ctx, labelRequest());
      expect(label.trackingNumber).toMatch(/^\d{12}$/);
      expect(label.mediaType).toBe('application/pdf');
      expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
      expect((await pdfText(label.document!)).replace(/\s+/g, '')).toContain(label.trackingNumber);
      expect(label.price).toMatchObject({ currency: 'USD', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
      // The recipient has no phone: FedEx ships and says so with a 200 alert.
      expect(label.warnings).toEqual([expect.stringMatching(/^RECIPIENTCONTACT\.PHONENUMBER\.INVALID: /)]);
    });

    it('buys a ZPL label (ZPLII on the wire) with the tracking number in it', async () => {
      const label = await carrier.createLabel(
        ctx,
        labelRequest({ format: 'ZPL', recipient: { ...newYork, phone: '2125550100' } }),
      );
      const text = new TextDecoder().decode(label.document!);
      expect(text.startsWith('^XA')).toBe(true);
      expect(text).toContain(label.trackingNumber);
      expect(label.mediaType).toBe('application/x-zpl');
      expect(label.warnings).toBeUndefined();
    });

    it('buys a PNG label', async () => {
      const label = await carrier.createLabel(ctx, labelRequest({ format: 'PNG' }));
      expect([...label.document!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(label.mediaType).toBe('image/png');
    });

    it('buys an international label (customs line sent) and refuses GIF before sending', async () => {
      const label = await carrier.createLabel(
        ctx,
        labelRequest({
          service: fedexService('FEDEX_INTERNATIONAL_PRIORITY')!,
          recipient: toronto,
          options: { insuredValue: { amount: '120.00', currency: 'USD' } },
        }),
      );
      expect(label.trackingNumber).toMatch(/^\d{12}$/);
      const gif = await failure(carrier.createLabel(ctx, labelRequest({ format: 'GIF' })));
      expect(gif).toMatchObject({
        failureClass: 'rejected',
        outcome: 'not_sent',
        code: 'LABEL_FORMAT_UNSUPPORTED',
      });
    });

    it('a service off the route is refused by FedEx validation', async () => {
      const e = await failure(
        carrier.createLabel(ctx, labelRequest({ service: fedexService('INTERNATIONAL_ECONOMY')! })),
      );
      expect(e).toMatchObject({
        failureClass: 'rejected',
        code: 'INVALID.INPUT.EXCEPTION',
        status: 400,
        outcome: 'rejected',
      });
    });
  });

  describe('tracking', () => {
    it('tracks a label just bought', async () => {
      const label = await carrier.createLabel(ctx, labelRequest());
      const tracking = await carrier.track(ctx, label.trackingNumber);
      expect(tracking).toMatchObject({
        carrier: 'fedex',
        trackingNumber: label.trackingNumber,
        status: 'pre_transit',
      });
      expect(tracking.events).toEqual([
        expect.objectContaining({
          status: 'pre_transit',
          code: 'OC',
          description: 'Shipment information sent to FedEx',
        }),
      ]);
    });

    it('an unknown number is a rejection with FedEx code', async () => {
      const e = await failure(carrier.track(ctx, '794999999999'));
      expect(e).toMatchObject({ failureClass: 'rejected', code: 'TRACKING.TRACKINGNUMBER.NOTFOUND' });
    });

    it('the probe makes a light authenticated call', async () => {
      await expect(carrier.probe!(ctx)).resolves.toBeUndefined();
    });
  });

  describe('account settings', () => {
    const withAccountNumber = (accountNumber: string | undefined): CarrierContext => ({
      ...ctx,
      account: { ...ctx.account, settings: accountNumber === undefined ? {} : { accountNumber } },
    });

    it('a wrong account number: ACCOUNT.NUMBER.MISMATCH on rates, ACCOUNTNUMBER.REGISTRATION.REQUIRED on labels', async () => {
      const wrong = withAccountNumber('123456789');
      expect(await failure(carrier.rate(wrong, domesticRate))).toMatchObject({
        failureClass: 'rejected',
        code: 'ACCOUNT.NUMBER.MISMATCH',
        auth: false,
      });
      expect(await failure(carrier.createLabel(wrong, labelRequest()))).toMatchObject({
        failureClass: 'rejected',
        code: 'ACCOUNTNUMBER.REGISTRATION.REQUIRED',
        outcome: 'rejected',
      });
    });

    it('no account number at all is a configuration error, nothing sent', async () => {
      expect(await failure(carrier.rate(withAccountNumber(undefined), domesticRate))).toMatchObject({
        failureClass: 'misconfigured',
        outcome: 'not_sent',
      });
    });
  });

  describe('API errors (injected), each in its unified class', () => {
    it('429 with Retry-After -> throttled with the delay', async () => {
      await harness.control.injectFault(
        fault({ target: 'api', endpoint: 'rate', kind: 'throttled', params: { retryAfter: 12 } }),
      );
      const e = await failure(carrier.rate(ctx, domesticRate));
      expect(e).toMatchObject({
        failureClass: 'throttled',
        code: 'TOO.MANY.REQUESTS',
        status: 429,
        retryAfterMs: 12_000,
        auth: false,
      });
    });

    it('429 daily quota without Retry-After -> throttled until midnight GMT', async () => {
      await harness.control.injectFault(
        fault({
          target: 'api',
          endpoint: 'rate',
          kind: 'throttled',
          params: {
            retryAfterFormat: 'none',
            message: 'Too many requests - Daily transaction quota exceeded. Retry after 12:00AM GMT',
          },
        }),
      );
      const e = await failure(carrier.rate(ctx, domesticRate));
      expect(e.failureClass).toBe('throttled');
      expect(e.retryAfterMs).toBeGreaterThan(0);
      expect(e.retryAfterMs).toBeLessThanOrEqual(24 * 3600_000);
    });

    it('503 on a label -> unavailable, and ambiguous (FedEx may have shipped)', async () => {
      await harness.control.injectFault(fault({ target: 'api', endpoint: 'label', kind: 'server_error' }));
      const e = await failure(carrier.createLabel(ctx, labelRequest()));
      expect(e).toMatchObject({
        failureClass: 'unavailable',
        code: 'SERVICE.UNAVAILABLE.ERROR',
        status: 503,
        outcome: 'ambiguous',
      });
    });

    it('500 on rates -> unavailable INTERNAL.SERVER.ERROR', async () => {
      await harness.control.injectFault(
        fault({ target: 'api', endpoint: 'rate', kind: 'server_error', params: { status: 500 } }),
      );
      expect(await failure(carrier.rate(ctx, domesticRate))).toMatchObject({
        failureClass: 'unavailable',
        code: 'INTERNAL.SERVER.ERROR',
      });
    });

    it('an HTML error page -> unavailable', async () => {
      await harness.control.injectFault(
        fault({ target: 'api', endpoint: 'track', kind: 'html_error', params: { status: 502 } }),
      );
      expect(await failure(carrier.track(ctx, '794900000001'))).toMatchObject({
        failureClass: 'unavailable',
        code: 'HTTP_502',
      });
    });

    it('a cut-off 200 on a label -> malformed and ambiguous (the kit unreadable answer)', async () => {
      await harness.control.injectFault(fault({ target: 'api', endpoint: 'label', kind: 'malformed_json' }));
      expect(await failure(carrier.createLabel(ctx, labelRequest()))).toMatchObject({
        failureClass: 'malformed',
        outcome: 'ambiguous',
        code: 'UNREADABLE_RESPONSE',
      });
    });

    it('one 401 NOT.AUTHORIZED.ERROR on a token believed valid -> one refresh, then success', async () => {
      await harness.control.reset('fedex');
      await carrier.rate(ctx, domesticRate);
      await harness.control.injectFault(fault({ target: 'api', endpoint: 'rate', kind: 'unauthorized' }));
      await expect(carrier.rate(ctx, domesticRate)).resolves.toHaveLength(8);
      expect((await harness.control.stats('fedex')).tokenCalls[harness.accounts[0]!.id]).toBe(2);
    });

    it('401 again after the refresh -> token_expired, an auth failure', async () => {
      await harness.control.injectFault(
        fault({ target: 'api', endpoint: 'track', kind: 'unauthorized', count: 2 }),
      );
      expect(await failure(carrier.probe!(ctx))).toMatchObject({
        failureClass: 'token_expired',
        auth: true,
        code: 'NOT.AUTHORIZED.ERROR',
      });
    });

    it('a label whose connection is reset after FedEx processed it is ambiguous', async () => {
      await harness.control.injectFault(
        fault({ target: 'api', endpoint: 'label', kind: 'reset_after_processing' }),
      );
      const e = await failure(carrier.createLabel(ctx, labelRequest()));
      expect(e).toMatchObject({ failureClass: 'unavailable', outcome: 'ambiguous' });
    });
  });
});

describe('token endpoint errors (fresh broker each time)', () => {
  let harness: CarrierHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const cases = [
    ['invalid_client', 'misconfigured', 'NOT.AUTHORIZED.ERROR'],
    ['invalid_scope', 'misconfigured', 'FORBIDDEN.ERROR'],
    ['unsupported_grant_type', 'misconfigured', 'BAD.REQUEST.ERROR'],
    ['error_body_200', 'malformed', 'NOT.AUTHORIZED.ERROR'],
    ['throttled', 'throttled', 'TOO.MANY.REQUESTS'],
    ['server_error', 'unavailable', 'SERVICE.UNAVAILABLE.ERROR'],
    ['html_error', 'unavailable', undefined],
    ['no_access_token', 'malformed', undefined],
  ] as const;

  it.each(cases)('%s -> %s, nothing sent, no secret in the message', async (kind, failureClass, code) => {
    harness = await startCarrierHarness(carrier, createSimulator);
    const ctx = harness.context();
    await harness.control.injectFault(fault({ target: 'token', endpoint: 'token', kind, count: 5 }));
    const e = await failure(carrier.rate(ctx, domesticRate));
    expect(e).toMatchObject({ failureClass, auth: true, outcome: 'not_sent' });
    if (code) expect(e.code).toBe(code);
    const secret = harness.accounts[0]!.secrets.clientSecret!;
    expect(e.message).not.toContain(secret);
    expect((await harness.control.stats('fedex')).apiCalls.rate).toBeUndefined();
  });

  it('sends client_id and client_secret in the form body (recorded grant client_credentials, no scope)', async () => {
    harness = await startCarrierHarness(carrier, createSimulator);
    await carrier.rate(harness.context(), domesticRate);
    const stats = await harness.control.stats('fedex');
    expect(stats.tokenRequests).toEqual([
      expect.objectContaining({
        account: harness.accounts[0]!.id,
        grant: 'client_credentials',
        params: { grant_type: 'client_credentials' },
      }),
    ]);
  });
});
