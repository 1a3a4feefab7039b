/** The MyDHL mapping through a real CarrierContext (broker, upstream client) against the simulator over HTTP. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { RateRequest } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { serviceByCode } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

let h: CarrierHarness;
beforeAll(async () => {
  h = await startCarrierHarness(carrier, createSimulator);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.control.reset('dhl-express');
});

const bonn = {
  name: 'Ada Sender',
  company: 'Shop GmbH',
  phone: '+49 228 1234',
  lines: ['Sträßchensweg 10'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
};
const berlin = {
  name: 'Bob Empfänger',
  phone: '+49 30 1234',
  lines: ['Invalidenstr. 1'],
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
};
const atlanta = {
  name: 'Cy Buyer',
  phone: '+1 404 555 0100',
  lines: ['1 Main St'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30301',
  countryCode: 'US',
};
const parcel = {
  weight: { value: 1, unit: 'kg' as const },
  dimensions: { length: 10, width: 10, height: 10, unit: 'cm' as const },
};

async function pdfText(bytes: Uint8Array): Promise<string> {
  const task = getDocument({ data: bytes.slice() });
  const doc = await task.promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  await task.destroy();
  return content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
}

async function caught(p: Promise<unknown>): Promise<CarrierError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CarrierError) return err;
    throw err;
  }
  throw new Error('expected a CarrierError');
}

describe('rates', () => {
  it('domestic: express domestic products, overnight, exact decimal prices', async () => {
    const req: RateRequest = { shipper: bonn, recipient: berlin, parcels: [parcel] };
    const rates = await carrier.rate(h.context(), req);
    expect(rates.map((r) => r.service.code)).toEqual(['N', '1', 'I']);
    expect(rates.every((r) => r.service.level === 'overnight')).toBe(true);
    // 18.00 base + 1 kg x 1.50 + 20 % fuel = 23.40
    expect(rates[0]!.total).toEqual({ amount: '23.40', currency: 'EUR' });
    expect(rates[0]!.estimatedDays).toBe(1);
  });

  it('international: express and economy levels', async () => {
    const rates = await carrier.rate(h.context(), {
      shipper: bonn,
      recipient: atlanta,
      parcels: [parcel, parcel],
    });
    expect(rates.map((r) => [r.service.code, r.service.level])).toEqual([
      ['P', 'express'],
      ['Y', 'express'],
      ['E', 'express'],
      ['H', 'economy'],
    ]);
    // 45.00 + 2 kg x 9.00 + 20 % = 75.60
    expect(rates[0]!.total.amount).toBe('75.60');
  });
});

describe('labels and tracking', () => {
  it('a PDF label with the waybill number on it, then tracking of that label', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: serviceByCode('N')!,
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel],
      format: 'PDF',
      reference: 'ORDER-1',
    });
    expect(label.trackingNumber).toMatch(/^\d{10}$/);
    expect(label.mediaType).toBe('application/pdf');
    expect(new TextDecoder().decode(label.document!.slice(0, 5))).toBe('%PDF-');
    expect(await pdfText(label.document!)).toContain(label.trackingNumber);
    const tracking = await carrier.track(h.context(), label.trackingNumber);
    expect(tracking).toMatchObject({
      carrier: 'dhl-express',
      trackingNumber: label.trackingNumber,
      status: 'pre_transit',
    });
    expect(tracking.events[0]).toMatchObject({ code: 'SA', location: { city: 'BONN', countryCode: 'DE' } });
  });

  it('a ZPL label, two pieces printed as one job', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: serviceByCode('N')!,
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel, parcel],
      format: 'ZPL',
    });
    const zpl = new TextDecoder().decode(label.document!);
    expect(label.format).toBe('ZPL');
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl.match(/\^XZ/g)).toHaveLength(2);
    expect(zpl).toContain(label.trackingNumber);
  });

  it('quirk: a numeric shipmentTrackingNumber keeps all its digits', async () => {
    const label = await carrier.createLabel(h.context('dhl-express-numeric'), {
      service: serviceByCode('N')!,
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel],
      format: 'PDF',
    });
    expect(label.trackingNumber).toMatch(/^\d{10}$/);
    expect((await carrier.track(h.context('dhl-express-numeric'), label.trackingNumber)).trackingNumber).toBe(
      label.trackingNumber,
    );
  });

  it('dutiable international label with a declared value', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: serviceByCode('P')!,
      shipper: bonn,
      recipient: atlanta,
      parcels: [parcel],
      format: 'PDF',
      reference: 'ORDER-2',
      options: { insuredValue: { amount: '120.00', currency: 'EUR' } },
    });
    expect(await pdfText(label.document!)).toContain('EXPRESS WORLDWIDE NONDOC');
  });
});

describe('errors in the unified vocabulary', () => {
  const rate = () => carrier.rate(h.context(), { shipper: bonn, recipient: berlin, parcels: [parcel] });

  it('wrong Basic credentials: misconfigured, auth', async () => {
    const good = h.accounts[0]!;
    h.accounts.push({ ...good, id: 'wrong-password', secrets: { ...good.secrets, password: 'not-it' } });
    const err = await caught(
      carrier.rate(h.context('wrong-password'), { shipper: bonn, recipient: berlin, parcels: [parcel] }),
    );
    expect(err).toMatchObject({ failureClass: 'misconfigured', auth: true });
  });

  it('injected 401: misconfigured', async () => {
    await h.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'rate',
      kind: 'unauthorized',
      count: 2,
    });
    expect(await caught(rate())).toMatchObject({ failureClass: 'misconfigured', auth: true });
  });

  it('injected 429: throttled with Retry-After', async () => {
    await h.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'rate',
      kind: 'throttled',
      count: 5,
      params: { retryAfter: 7 },
    });
    expect(await caught(rate())).toMatchObject({ failureClass: 'throttled', retryAfterMs: 7000 });
  });

  it('injected 500 (code instead of status): unavailable, DHL code 999', async () => {
    await h.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'rate',
      kind: 'server_error',
      count: 5,
      params: { status: 500 },
    });
    expect(await caught(rate())).toMatchObject({ failureClass: 'unavailable', code: '999' });
  });

  it('injected HTML error page: unavailable; malformed JSON: the kit unreadable answer (malformed, ambiguous)', async () => {
    await h.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'rate',
      kind: 'html_error',
      count: 5,
    });
    expect((await caught(rate())).failureClass).toBe('unavailable');
    await h.control.reset('dhl-express');
    await h.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'rate',
      kind: 'malformed_json',
      count: 5,
    });
    expect(await caught(rate())).toMatchObject({ failureClass: 'malformed', outcome: 'ambiguous' });
  });

  it('a product the route does not allow: rejected, safe to fail over', async () => {
    const err = await caught(
      carrier.createLabel(h.context(), {
        service: serviceByCode('N')!,
        shipper: bonn,
        recipient: atlanta,
        parcels: [parcel],
        format: 'PDF',
        options: { insuredValue: { amount: '10', currency: 'EUR' } },
      }),
    );
    expect(err).toMatchObject({ failureClass: 'rejected', outcome: 'rejected', code: '410301' });
  });

  it('tracking an unknown waybill: rejected, "No data found"', async () => {
    const err = await caught(carrier.track(h.context(), '1234567890'));
    expect(err.failureClass).toBe('rejected');
    expect(err.message).toContain('No data found');
  });

  it('probe succeeds with good credentials', async () => {
    await expect(carrier.probe!(h.context())).resolves.toBeUndefined();
  });
});
