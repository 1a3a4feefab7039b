/** Spec and recorded fixtures through the Parcel DE mapping; table rates; units; token errors. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UpstreamResponse } from '../../../src/carrier/definition.ts';
import { ALPHA2_TO_ALPHA3, toAlpha2, toAlpha3 } from '../../../src/domain/countries.ts';
import { decodeError } from '../mapping/errors.ts';
import { buildLabelRequest, PartialLabelError, parseLabel } from '../mapping/labels.ts';
import { tableRates } from '../mapping/rates.ts';
import { decodeTokenError } from '../mapping/token-errors.ts';
import { parseTracking } from '../mapping/tracking.ts';
import { grams, millimetres } from '../mapping/wire.ts';
import { billingNumber, SERVICES } from '../profile.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

function answer(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers: new Headers(headers),
    body: new TextEncoder().encode(text),
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
const token = (status: number, json: unknown) => ({
  status,
  headers: new Headers(),
  text: JSON.stringify(json),
  json,
});

const shipper = {
  company: 'My Online Shop GmbH',
  name: 'Max',
  lines: ['Sträßchensweg 10'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
  phone: '+49 123456789',
  email: 'max@mustermann.de',
};
const consignee = {
  name: 'Maria Musterfrau',
  lines: ['Kurt-Schumacher-Str. 20'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
  phone: '+49 987654321',
};
const paket = SERVICES.find((s) => s.code === 'V01PAK')!;

describe('countries (src/domain/countries.ts)', () => {
  it('has all 249 ISO codes and covers every alpha-3 code of the spec Country enum', () => {
    expect(Object.keys(ALPHA2_TO_ALPHA3)).toHaveLength(249);
    const { codes } = fixture('spec-country-codes.json') as { codes: string[] };
    expect(codes.length).toBe(243);
    const values = new Set(Object.values(ALPHA2_TO_ALPHA3));
    for (const code of codes) expect(values.has(code), code).toBe(true);
    expect(toAlpha3('de')).toBe('DEU');
    expect(toAlpha2('NLD')).toBe('NL');
    expect(toAlpha3('XX')).toBeUndefined();
  });
});

describe('labels', () => {
  it('builds the spec DHLPaket order: alpha-3, grams, millimetres, billing number', () => {
    const req = buildLabelRequest(
      {
        service: paket,
        shipper,
        recipient: consignee,
        parcels: [
          {
            weight: { value: 0.5, unit: 'kg' },
            dimensions: { length: 20, width: 15, height: 10, unit: 'cm' },
          },
        ],
        format: 'PDF',
        reference: 'Order No. 1234',
      },
      { ekp: '3333333333', participation: '02' },
    );
    expect(req).toMatchObject({
      method: 'POST',
      path: '/parcel/de/shipping/v2/orders',
      query: { docFormat: 'PDF', includeDocs: 'include' },
    });
    const body = JSON.parse(String(req.body));
    const spec = fixture('order-request-paket.json') as {
      profile: string;
      shipments: Record<string, unknown>[];
    };
    expect(body.profile).toBe(spec.profile);
    const [mine] = body.shipments;
    const [theirs] = spec.shipments;
    expect(mine.billingNumber).toBe(theirs!.billingNumber);
    expect(mine.product).toBe(theirs!.product);
    expect(mine.refNo).toBe(theirs!.refNo);
    expect(mine.details).toEqual(theirs!.details);
    expect(mine.consignee).toMatchObject({ name1: 'Maria Musterfrau', country: 'DEU', postalCode: '53113' });
    // No phone for consignees in Germany (the spec's GDPR note).
    expect(mine.consignee.phone).toBeUndefined();
    expect(mine.shipper).toMatchObject({ name1: 'My Online Shop GmbH', name2: 'Max', country: 'DEU' });
  });

  it('international consignee: alpha-3 country and phone, ZPL2 doc format', () => {
    const req = buildLabelRequest(
      {
        service: SERVICES.find((s) => s.code === 'V53WPAK')!,
        shipper,
        recipient: { ...consignee, countryCode: 'NL', city: 'Amsterdam', postalCode: '1071 AA' },
        parcels: [{ weight: { value: 1, unit: 'lb' } }],
        format: 'ZPL',
        reference: 'short',
      },
      { ekp: '3333333333' },
    );
    expect(req.query?.docFormat).toBe('ZPL2');
    const [s] = JSON.parse(String(req.body)).shipments;
    expect(s.billingNumber).toBe('33333333335301');
    expect(s.consignee).toMatchObject({ country: 'NLD', phone: '+49 987654321' });
    expect(s.details.weight).toEqual({ uom: 'g', value: 454 });
    // refNo needs 8-35 characters: a short reference goes to costCenter.
    expect(s.refNo).toBeUndefined();
    expect(s.costCenter).toBe('short');
  });

  it('reads shipmentNo and the b64 PDF of a recorded 200', () => {
    const label = parseLabel(fixture('label-response-single.json'), 'PDF');
    expect(label.trackingNumber).toBe('0034043333301010000010001');
    expect(new TextDecoder().decode(label.document)).toBe('%PDF-1');
  });

  it('ZPL comes as text in label.zpl2', () => {
    const body = {
      items: [
        {
          shipmentNo: '1',
          sstatus: { title: 'OK', status: 200 },
          label: { zpl2: '^XA^FDx^FS^XZ', fileFormat: 'ZPL2' },
        },
      ],
    };
    const label = parseLabel(body, 'ZPL');
    expect(label.format).toBe('ZPL');
    expect(new TextDecoder().decode(label.document)).toBe('^XA^FDx^FS^XZ');
  });

  it('207 partial: the created shipment is named and nothing is hidden', () => {
    try {
      parseLabel(fixture('response-207-partial.json'), 'PDF');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PartialLabelError);
      expect((err as PartialLabelError).created).toEqual(['0034043333301010000010001']);
      expect((err as PartialLabelError).code).toBe('GeneralShipmentError');
    }
  });

  it('the spec items example (numeric shipmentNo, label by URL) is refused: we ask for included documents', () => {
    expect(() => parseLabel({ items: fixture('label-items-example.json') }, 'PDF')).toThrow(
      /no label document for shipment 340434310428091700/,
    );
  });
});

describe('units at Parcel DE precision (whole grams and millimetres, rounded up)', () => {
  it('converts exactly', () => {
    expect(grams({ weight: { value: 1, unit: 'lb' } })).toBe(454);
    expect(grams({ weight: { value: 0.5, unit: 'kg' } })).toBe(500);
    expect(grams({ weight: { value: 3, unit: 'oz' } })).toBe(86);
    expect(millimetres(1, 'in')).toBe(26);
    expect(millimetres(20, 'cm')).toBe(200);
    expect(millimetres(12.34, 'cm')).toBe(124);
  });
  it('billing number: EKP + procedure + participation, or an override', () => {
    expect(billingNumber({ ekp: '3333333333' }, 'V62KP')).toBe('33333333336201');
    expect(billingNumber({ ekp: '3333333333', 'billingNumber.V01PAK': '333333333301aa' }, 'V01PAK')).toBe(
      '333333333301aa',
    );
  });
});

describe('table rates', () => {
  const base = { shipper, recipient: consignee };
  it('prices by weight band as decimal strings, dated and sourced', () => {
    const [r] = tableRates({ ...base, parcels: [{ weight: { value: 4.2, unit: 'kg' } }] });
    expect(r).toMatchObject({
      service: { code: 'V01PAK', level: 'standard' },
      total: { amount: '7.69', currency: 'EUR' },
    });
    expect(r!.warnings?.[0]).toMatch(/2025-01-01 price table/);
  });
  it('a light but large box pays the 5 kg band; parcels add up; over 31.5 kg has no rate', () => {
    const big = tableRates({
      ...base,
      parcels: [
        { weight: { value: 1, unit: 'kg' }, dimensions: { length: 70, width: 20, height: 10, unit: 'cm' } },
      ],
    });
    expect(big[0]!.total.amount).toBe('7.69');
    const two = tableRates({
      ...base,
      parcels: [{ weight: { value: 1, unit: 'kg' } }, { weight: { value: 25, unit: 'kg' } }],
    });
    expect(two[0]!.total).toEqual({ amount: '30.18', currency: 'EUR' });
    expect(tableRates({ ...base, parcels: [{ weight: { value: 32, unit: 'kg' } }] })).toEqual([]);
  });
  it('no international table: no invented prices', () => {
    expect(
      tableRates({
        shipper,
        recipient: { ...consignee, countryCode: 'FR' },
        parcels: [{ weight: { value: 1, unit: 'kg' } }],
      }),
    ).toEqual([]);
  });
});

describe('errors', () => {
  it('400 validation: rejected, item messages, per-item title as code', () => {
    const d = decodeError(answer(400, fixture('error-400-validation.json')));
    expect(d.failureClass).toBe('rejected');
    expect(d.code).toBe('Bad Request');
    expect(d.message).toContain('consignee: The city entered does not match the postcode');
  });
  it('400 schema error names the property path', () => {
    expect(decodeError(answer(400, fixture('error-400-schema.json'))).message).toContain(
      'shipments[0].shipper.country: Parameter country must be a valid country code',
    );
  });
  it('401 {title,statusCode,detail}: the bearer token was refused', () => {
    expect(decodeError(answer(401, fixture('error-401.json')))).toMatchObject({
      failureClass: 'token_expired',
      auth: true,
      code: 'Unauthorized',
    });
  });
  it('429 RequestStatus: throttled with Retry-After; 500 and HTML: unavailable', () => {
    expect(
      decodeError(answer(429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '5' })),
    ).toMatchObject({ failureClass: 'throttled', retryAfterMs: 5000 });
    expect(decodeError(answer(500, { title: 'Internal Server Error', statusCode: 500 })).failureClass).toBe(
      'unavailable',
    );
    expect(decodeError(answer(503, '<html>down</html>')).failureClass).toBe('unavailable');
  });
});

describe('token endpoint errors (ROPC)', () => {
  it('invalid_grant is the portal user refused: misconfigured, not revoked', () => {
    expect(
      decodeTokenError(token(400, { error: 'invalid_grant', error_description: 'x' }))?.failureClass,
    ).toBe('misconfigured');
    expect(decodeTokenError(token(401, { error: 'invalid_client' }))?.failureClass).toBe('misconfigured');
  });
  it('an error body on HTTP 200 is malformed; 429 throttled; 503 unavailable; a token answer is left to the broker', () => {
    expect(decodeTokenError(token(200, { error: 'invalid_client' }))?.failureClass).toBe('malformed');
    expect(decodeTokenError(token(429, { title: 'Too Many Requests' }))?.failureClass).toBe('throttled');
    expect(
      decodeTokenError({ status: 503, headers: new Headers(), text: '<html/>', json: undefined })
        ?.failureClass,
    ).toBe('unavailable');
    expect(decodeTokenError(token(200, fixture('token-response.json')))).toBeUndefined();
  });
});

describe('tracking (Unified tracking API shape)', () => {
  it('maps statusCode, orders events oldest first, detects the delivery vehicle', () => {
    const t = parseTracking(
      {
        shipments: [
          {
            id: '0034043333301010000010001',
            status: {
              timestamp: '2025-03-05T10:00:00Z',
              statusCode: 'delivered',
              status: 'DELIVERED',
              description: 'Delivered',
            },
            events: [
              {
                timestamp: '2025-03-05T10:00:00Z',
                statusCode: 'delivered',
                description: 'Delivered',
                location: { address: { addressLocality: 'Bonn', countryCode: 'DE' } },
              },
              {
                timestamp: '2025-03-05T07:00:00Z',
                statusCode: 'transit',
                description: 'The shipment has been loaded onto the delivery vehicle',
              },
              {
                timestamp: '2025-03-04T12:00:00Z',
                statusCode: 'pre-transit',
                description: 'The shipment has been electronically announced',
              },
            ],
          },
        ],
      },
      '0034043333301010000010001',
    );
    expect(t.status).toBe('delivered');
    expect(t.events.map((e) => e.status)).toEqual(['pre_transit', 'out_for_delivery', 'delivered']);
    expect(t.events[2]!.location).toEqual({ city: 'Bonn', countryCode: 'DE' });
  });
});
