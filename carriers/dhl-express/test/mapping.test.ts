/** Spec fixtures through the MyDHL mapping: extracted values, classes, unit precision. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UpstreamResponse } from '../../../src/carrier/definition.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { decodeError } from '../mapping/errors.ts';
import { buildLabelRequest, parseShipment } from '../mapping/labels.ts';
import { buildRateRequest, parseRates } from '../mapping/rates.ts';
import { parseTracking } from '../mapping/tracking.ts';
import { metricPackage } from '../mapping/wire.ts';
import { serviceByCode } from '../profile.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

function answer(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const bytes = new TextEncoder().encode(text);
  return {
    status,
    headers: new Headers(headers),
    body: bytes,
    text: () => text,
    json: () => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    },
  };
}

const shipper = {
  name: 'Ada',
  company: 'Shop GmbH',
  phone: '+49 228 1234',
  lines: ['Sträßchensweg 10'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
};
const recipient = {
  name: 'Bob',
  lines: ['1 Main St'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30301',
  countryCode: 'US',
};

describe('rates', () => {
  it('reads the spec response: billing-currency price as a decimal string, level, transit days, breakdown', () => {
    const rates = parseRates(fixture('rates-response.json'), false);
    expect(rates).toHaveLength(1);
    const [p] = rates;
    expect(p!.service).toEqual({ code: 'P', name: 'EXPRESS WORLDWIDE NONDOC', level: 'express' });
    expect(p!.total).toEqual({ amount: '157.95', currency: 'GBP' });
    expect(p!.estimatedDays).toBe(3);
    expect(p!.breakdown).toContainEqual({ label: 'SPRQT', amount: { amount: '130.00', currency: 'GBP' } });
  });

  it('builds a POST /rates body with the spec request keys', () => {
    const req = buildRateRequest(
      {
        shipper,
        recipient,
        parcels: [
          { weight: { value: 2.2, unit: 'lb' }, dimensions: { length: 10, width: 5, height: 4, unit: 'in' } },
        ],
        shipDate: '2025-03-04',
      },
      '123456789',
    );
    expect(req).toMatchObject({ method: 'POST', path: '/rates', operation: 'rate' });
    expect(req.headers?.['x-version']).toBe('3.1.0');
    const body = JSON.parse(String(req.body));
    const specKeys = Object.keys(fixture('rates-request.json') as object);
    for (const key of Object.keys(body)) expect(specKeys).toContain(key);
    expect(body.plannedShippingDateAndTime).toBe('2025-03-04T12:00:00 GMT+00:00');
    expect(body.isCustomsDeclarable).toBe(true);
    expect(body.accounts).toEqual([{ typeCode: 'shipper', number: '123456789' }]);
    expect(body.customerDetails.receiverDetails).toEqual({
      postalCode: '30301',
      cityName: 'Atlanta',
      countryCode: 'US',
      addressLine1: '1 Main St',
      provinceCode: 'GA',
    });
  });

  it('an intra-EU shipment is not customs-declarable', () => {
    const req = buildRateRequest(
      {
        shipper,
        recipient: { ...recipient, countryCode: 'FR', stateCode: undefined },
        parcels: [{ weight: { value: 1, unit: 'kg' } }],
      },
      '1',
    );
    expect(JSON.parse(String(req.body)).isCustomsDeclarable).toBe(false);
  });
});

describe('units at MyDHL precision (kg and cm, 3 decimals, weight rounded up)', () => {
  it('converts pounds, ounces and inches exactly', () => {
    expect(metricPackage({ weight: { value: 1, unit: 'lb' } }).weight).toBe(0.454);
    expect(metricPackage({ weight: { value: 16, unit: 'oz' } }).weight).toBe(0.454);
    expect(metricPackage({ weight: { value: 250, unit: 'g' } }).weight).toBe(0.25);
    expect(
      metricPackage({
        weight: { value: 1, unit: 'kg' },
        dimensions: { length: 10, width: 1, height: 0.5, unit: 'in' },
      }).dimensions,
    ).toEqual({ length: 25.4, width: 2.54, height: 1.27 });
  });
});

const WHO = { carrier: 'dhl-express', account: { id: 't', environment: 'sandbox' as const, settings: {} } };
const parseLabel = (json: unknown, format: 'PDF' | 'ZPL') => boughtLabel(WHO, parseShipment(json, format));

describe('labels', () => {
  it('reads tracking number and the first base64 PDF label of the spec response', () => {
    const label = parseLabel(fixture('shipment-response-international.json'), 'PDF');
    expect(label.trackingNumber).toBe('1103733901');
    expect(label.format).toBe('PDF');
    expect(new TextDecoder().decode(label.document!.slice(0, 5))).toBe('%PDF-');
    expect(label.warnings).toContain('2 label documents were returned; only the first is included');
  });

  it('keeps the digits of a numeric shipmentTrackingNumber (recorded answers)', () => {
    const body = {
      ...(fixture('shipment-response-international.json') as object),
      shipmentTrackingNumber: 9356579890,
    };
    expect(parseLabel(body, 'PDF').trackingNumber).toBe('9356579890');
  });

  it('a document without typeCode (recorded answers) is the label: a missing field costs the field only', () => {
    const pdf = btoa('%PDF-1.4 recorded label');
    const body = {
      shipmentTrackingNumber: 9356579890,
      packages: [{ referenceNumber: 1, trackingNumber: '9356579890' }],
      documents: [{ imageFormat: 'PDF', content: pdf }],
    };
    const label = parseLabel(body, 'PDF');
    expect(label.trackingNumber).toBe('9356579890');
    expect(new TextDecoder().decode(label.document)).toBe('%PDF-1.4 recorded label');
    expect(label.warnings).toContain('a document without typeCode was taken as the label');
    // A typed label wins over an untyped document.
    const typed = parseLabel(
      {
        ...body,
        documents: [
          { imageFormat: 'PDF', content: btoa('%PDF-typed'), typeCode: 'label' },
          ...body.documents,
        ],
      },
      'PDF',
    );
    expect(new TextDecoder().decode(typed.document)).toBe('%PDF-typed');
  });

  it('the domestic spec example, whose base64 label content is corrupt (a "." at offset 5940), keeps its shipment', () => {
    const label = parseLabel(fixture('shipment-response-domestic.json'), 'PDF');
    expect(label.trackingNumber).toBe('5374534546');
    expect(label.missingDocument).toMatchObject({ reason: 'unreadable' });
  });

  it('builds a shipment request with the spec keys, the product and the encoding', () => {
    const req = buildLabelRequest(
      {
        service: serviceByCode('N')!,
        shipper,
        recipient: { ...recipient, countryCode: 'DE', stateCode: undefined },
        parcels: [{ weight: { value: 0.296, unit: 'kg' } }],
        format: 'ZPL',
        reference: 'ORDER-1',
      },
      '123456789',
    );
    const body = JSON.parse(String(req.body));
    const specKeys = Object.keys(fixture('shipment-request-domestic.json') as object);
    for (const key of Object.keys(body)) expect([...specKeys, 'customerReferences']).toContain(key);
    expect(body.productCode).toBe('N');
    expect(body.outputImageProperties.encodingFormat).toBe('zpl');
    expect(body.content.packages[0].weight).toBe(0.296);
    expect(body.content.isCustomsDeclarable).toBe(false);
  });

  it('refuses a dutiable shipment without a declared value before sending', () => {
    expect(() =>
      buildLabelRequest(
        {
          service: serviceByCode('P')!,
          shipper,
          recipient,
          parcels: [{ weight: { value: 1, unit: 'kg' } }],
          format: 'PDF',
        },
        '1',
      ),
    ).toThrow(/declared value/);
  });
});

describe('tracking', () => {
  it('normalises the spec tracking example: delivered, oldest first, locations', () => {
    const t = parseTracking(fixture('tracking-response.json'), '1234567890');
    expect(t.trackingNumber).toBe('1234567890');
    expect(t.status).toBe('delivered');
    expect(t.events[0]).toMatchObject({
      code: 'PU',
      status: 'in_transit',
      at: '2023-08-09T13:56:21',
      location: { city: 'SYDNEY', countryCode: 'AU' },
    });
    expect(t.events.find((e) => e.code === 'WC')?.status).toBe('out_for_delivery');
    expect(t.events.at(-1)).toMatchObject({
      code: 'OK',
      status: 'delivered',
      location: { city: 'AUCKLAND', countryCode: 'NZ' },
    });
  });
});

describe('errors', () => {
  it('7008 and 998 codes from the detail prefix, rejected', () => {
    expect(decodeError(answer(400, fixture('error-400-7008.json')))).toMatchObject({
      code: '7008',
      failureClass: 'rejected',
    });
    const d = decodeError(answer(400, fixture('error-400-998.json')));
    expect(d).toMatchObject({ code: '998', failureClass: 'rejected' });
    expect(d.message).toMatch(/^Bad request: ShipTimeStamp is not well formatted/);
  });

  it('a detail without a code falls back to the status, string or number', () => {
    expect(decodeError(answer(400, fixture('error-400-rates-account.json'))).code).toBe('400');
    const numeric = { ...(fixture('error-400-rates-account.json') as object), status: 400 };
    expect(decodeError(answer(400, numeric))).toMatchObject({ code: '400', failureClass: 'rejected' });
  });

  it('422 schema errors are rejected; 404 tracking is rejected', () => {
    expect(decodeError(answer(422, fixture('error-422-schema.json')))).toMatchObject({
      failureClass: 'rejected',
      code: '422',
    });
    expect(decodeError(answer(404, fixture('error-404-tracking.json')))).toMatchObject({
      failureClass: 'rejected',
      code: '404',
    });
  });

  it('500 with `code` instead of `status`: unavailable, code 999', () => {
    expect(decodeError(answer(500, fixture('error-500-code.json')))).toMatchObject({
      failureClass: 'unavailable',
      code: '999',
    });
  });

  it('401 is misconfigured and counts as auth; 429 is throttled with Retry-After', () => {
    expect(
      decodeError(answer(401, { title: 'Unauthorized', detail: 'Invalid Credentials', status: '401' })),
    ).toMatchObject({ failureClass: 'misconfigured', auth: true });
    expect(
      decodeError(answer(429, { title: 'Too Many Requests', status: '429' }, { 'retry-after': '12' })),
    ).toMatchObject({ failureClass: 'throttled', retryAfterMs: 12_000 });
  });

  it('HTML error pages are unavailable', () => {
    expect(decodeError(answer(502, '<html><body>Bad gateway</body></html>')).failureClass).toBe(
      'unavailable',
    );
    expect(decodeError(answer(404, '<html>not found</html>')).failureClass).toBe('unavailable');
  });
});
