/**
 * The mapping driven through a real CarrierContext (credential broker, upstream client,
 * HTTP) against the simulator: nothing of the gateway is mocked.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { RateRequest } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { serviceByCode } from '../services.ts';
import { createSimulator } from '../simulator/index.ts';

const shipper = {
  company: 'Akretion',
  lines: ['27 rue Henri Rolland'],
  city: 'Villeurbanne',
  postalCode: '69100',
  countryCode: 'FR',
};
const recipient = {
  name: 'Victor Hugo',
  lines: ['6 Place des Vosges'],
  city: 'Paris',
  postalCode: '75004',
  countryCode: 'FR',
};

const labelRequest = (over: Partial<CarrierLabelRequest> = {}): CarrierLabelRequest => ({
  service: serviceByCode('DOM')!,
  shipper,
  recipient,
  parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
  format: 'PDF',
  reference: 'ORDER-42',
  ...over,
});

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarrierError) return error;
    throw error;
  }
  throw new Error('expected a CarrierError');
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const task = getDocument({ data: bytes.slice() });
  const doc = await task.promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
  await task.destroy();
  return text;
}

let h: CarrierHarness;
beforeAll(async () => {
  h = await startCarrierHarness(carrier, createSimulator);
});
afterAll(() => h.close());
afterEach(() => h.control.reset('colissimo'));

/** One firing each, so a test can chain several faults. */
const inject = (endpoint: string, kind: string, params?: Record<string, number>) =>
  h.control.injectFault({
    carrier: 'colissimo',
    target: 'api',
    endpoint,
    kind: kind as never,
    count: 1,
    ...(params ? { params } : {}),
  });

describe('rates (dated table, through a real context)', () => {
  const req: RateRequest = { shipper, recipient, parcels: [{ weight: { value: 2, unit: 'kg' } }] };

  it('quotes a domestic shipment', async () => {
    const rates = await carrier.rate(h.context(), req);
    expect(rates[0]).toMatchObject({
      service: { code: 'DOM', level: 'standard' },
      total: { amount: '9.55', currency: 'EUR' },
    });
  });

  it('quotes an international shipment', async () => {
    const rates = await carrier.rate(h.context(), {
      ...req,
      recipient: { ...recipient, countryCode: 'DE', postalCode: '10115', city: 'Berlin' },
    });
    expect(rates.map((r) => r.service.code)).toEqual(['DOM', 'DOS']);
    expect(rates[0]?.total.currency).toBe('EUR');
  });

  it('refuses a parcel over 30 kg as a rejection, sending nothing', async () => {
    const error = await failure(
      carrier.rate(h.context(), { ...req, parcels: [{ weight: { value: 70, unit: 'lb' } }] }),
    );
    expect([error.failureClass, error.outcome, error.code]).toEqual(['rejected', 'not_sent', 'WEIGHT_LIMIT']);
  });
});

describe('labels and tracking', () => {
  it('buys a PDF label with contract credentials in the body, then tracks it', async () => {
    const label = await carrier.createLabel(h.context('colissimo-contract'), labelRequest());
    expect(label.trackingNumber).toMatch(/^6A\d{11}$/);
    expect(label.mediaType).toBe('application/pdf');
    expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
    expect(await pdfText(label.document!)).toContain(label.trackingNumber);
    const sold = await h.control.labels('colissimo');
    expect(sold.map((l) => [l.trackingNumber, l.accountId, l.reference])).toEqual([
      [label.trackingNumber, 'colissimo-contract', 'ORDER-42'],
    ]);

    const tracking = await carrier.track(h.context('colissimo-contract'), label.trackingNumber);
    expect(tracking).toMatchObject({
      carrier: 'colissimo',
      trackingNumber: label.trackingNumber,
      status: 'pre_transit',
    });
    expect(tracking.events[0]).toMatchObject({ code: 'DR1', status: 'pre_transit' });
  });

  it('buys a ZPL label', async () => {
    const label = await carrier.createLabel(
      h.context(),
      labelRequest({ format: 'ZPL', parcels: [{ weight: { value: 3, unit: 'lb' } }] }),
    );
    const zpl = new TextDecoder().decode(label.document!);
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl).toContain(label.trackingNumber);
    expect(label.mediaType).toBe('application/x-zpl');
  });

  it('an account without contract credentials gets 30000, classified as an auth refusal', async () => {
    // The api-key account under the default body_credentials method sends no credential at all.
    const error = await failure(carrier.createLabel(h.context('colissimo-apikey'), labelRequest()));
    expect([error.failureClass, error.code, error.auth, error.outcome]).toEqual([
      'misconfigured',
      '30000',
      true,
      'rejected',
    ]);
  });

  it('the probe validates credentials through checkGenerateLabel without buying', async () => {
    await carrier.probe!(h.context());
    expect(await h.control.labels('colissimo')).toEqual([]);
    await inject('check', 'unauthorized');
    const error = await failure(carrier.probe!(h.context()));
    expect([error.failureClass, error.auth]).toEqual(['misconfigured', true]);
  });
});

describe('documented errors mapped to unified classes', () => {
  it.each([
    [
      'weight over 30 kg -> 30301',
      labelRequest({ parcels: [{ weight: { value: 35, unit: 'kg' } }] }),
      '30301',
    ],
    ['overseas product to France -> 30213', labelRequest({ service: serviceByCode('COM')! }), '30213'],
    [
      'French postcode 99999 -> 30213',
      labelRequest({ recipient: { ...recipient, postalCode: '99999' } }),
      '30213',
    ],
    [
      'sender outside France -> 30109',
      labelRequest({ shipper: { ...shipper, countryCode: 'US', postalCode: '30301' } }),
      '30109',
    ],
    [
      'unknown product -> 30015',
      labelRequest({ service: { code: 'XXX', name: 'x', level: 'standard', scope: 'both' } }),
      '30015',
    ],
  ])('%s', async (_name, req, code) => {
    const error = await failure(carrier.createLabel(h.context(), req));
    expect([error.failureClass, error.code, error.outcome, error.status, error.auth]).toEqual([
      'rejected',
      code,
      'rejected',
      400,
      false,
    ]);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('more than one parcel is refused before sending', async () => {
    const error = await failure(
      carrier.createLabel(
        h.context(),
        labelRequest({
          parcels: [{ weight: { value: 1, unit: 'kg' } }, { weight: { value: 1, unit: 'kg' } }],
        }),
      ),
    );
    expect([error.failureClass, error.outcome]).toEqual(['rejected', 'not_sent']);
  });

  it('label faults: unauthorized, throttled, server error, HTML page, malformed body, reset', async () => {
    await inject('label', 'unauthorized');
    let e = await failure(carrier.createLabel(h.context(), labelRequest()));
    expect([e.failureClass, e.code, e.auth]).toEqual(['misconfigured', '30000', true]);

    await inject('label', 'throttled', { retryAfter: 4 });
    e = await failure(carrier.createLabel(h.context(), labelRequest()));
    expect([e.failureClass, e.retryAfterMs, e.outcome]).toEqual(['throttled', 4000, 'rejected']);

    await inject('label', 'server_error', { status: 503 });
    e = await failure(carrier.createLabel(h.context(), labelRequest()));
    // A 5xx on a create may hide a created label.
    expect([e.failureClass, e.status, e.outcome]).toEqual(['unavailable', 503, 'ambiguous']);

    await inject('label', 'html_error', { status: 502 });
    e = await failure(carrier.createLabel(h.context(), labelRequest()));
    expect([e.failureClass, e.status]).toEqual(['unavailable', 502]);

    await inject('label', 'malformed_json');
    e = await failure(carrier.createLabel(h.context(), labelRequest()));
    expect([e.failureClass, e.outcome, e.code]).toEqual(['malformed', 'ambiguous', 'UNREADABLE_RESPONSE']);

    await inject('label', 'reset_after_processing');
    e = await failure(carrier.createLabel(h.context(), labelRequest()));
    expect([e.failureClass, e.outcome]).toEqual(['unavailable', 'ambiguous']);
    // The carrier did create it: exactly why the outcome is ambiguous.
    expect(await h.control.labels('colissimo')).toHaveLength(1);
  });

  it('tracking: unknown id (104), Okapi 401, quota, 5xx', async () => {
    let e = await failure(carrier.track(h.context(), '6A00000000000'));
    expect([e.failureClass, e.code, e.status]).toEqual(['rejected', '104', 404]);
    expect(e.message).toMatch(/pas encore disponible/);

    await inject('track', 'unauthorized');
    e = await failure(carrier.track(h.context(), '6A00000000000'));
    expect([e.failureClass, e.auth, e.status]).toEqual(['misconfigured', true, 401]);

    await inject('track', 'throttled', { retryAfter: 5 });
    e = await failure(carrier.track(h.context(), '6A00000000000'));
    expect([e.failureClass, e.code, e.retryAfterMs]).toEqual(['throttled', 'TOO_MANY_REQUESTS', 5000]);

    await inject('track', 'server_error', { status: 500 });
    e = await failure(carrier.track(h.context(), '6A00000000000'));
    expect(e.failureClass).toBe('unavailable');
  });
});

describe('api_key accounts (apiKey header on labels, Okapi key on tracking)', () => {
  let k: CarrierHarness;
  beforeAll(async () => {
    k = await startCarrierHarness(carrier, createSimulator, { authMethod: 'api_key' });
  });
  afterAll(() => k.close());

  it('buys and tracks with the apiKey header', async () => {
    const label = await carrier.createLabel(k.context('colissimo-apikey'), labelRequest());
    expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
    const sold = await k.control.labels('colissimo');
    expect(sold[0]?.accountId).toBe('colissimo-apikey');
    const tracking = await carrier.track(k.context('colissimo-apikey'), label.trackingNumber);
    expect(tracking.trackingNumber).toBe(label.trackingNumber);
  });

  it('an account without an apiKey is refused before sending', async () => {
    // The broker refuses to build the header; nothing reaches the simulator.
    const before = (await k.control.stats('colissimo')).apiCalls.label ?? {};
    await expect(carrier.createLabel(k.context('colissimo-contract'), labelRequest())).rejects.toThrow(
      /apiKey/,
    );
    expect((await k.control.stats('colissimo')).apiCalls.label ?? {}).toEqual(before);
  });
});
