/**
 * The FedEx mapping against wire examples from the official specs (fixtures/README.md names
 * each source): extracted prices, levels, tracking numbers, error codes and classes, and the
 * unit conversions at FedEx precision.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import type { Address, Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import { upstreamResponse } from '../../../src/upstream/response.ts';
import { carrier } from '../index.ts';
import { decodeApiError, decodeTokenError, msUntilNextUtcMidnight } from '../mapping/errors.ts';
import { buildShipRequest, IMAGE_TYPES, parseShipResponse } from '../mapping/labels.ts';
import { packageDimensions, packageWeight, shipmentWeight, unitSystemFor } from '../mapping/measure.ts';
import { buildRateRequest, parseRateResponse, transitDays } from '../mapping/rates.ts';
import { buildTrackRequest, parseTrackResponse, trackingStatusOf } from '../mapping/tracking.ts';
import { RateReplyDetail, RateResponseBody, ShipResponseBody, TrackResponseBody } from '../mapping/wire.ts';
import { fedexService } from '../services.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

/** A plain context value for the parse functions, which never send anything. */
const ctx: CarrierContext = {
  carrier: 'fedex',
  account: { id: 'acct', environment: 'sandbox', settings: { accountNumber: '740561073' } },
  request: () => Promise.reject(new Error('the parse functions never send')),
  secret: () => {
    throw new Error('no secrets in mapping tests');
  },
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  upstreamResponse(
    status,
    new Headers({ 'content-type': 'application/json', ...headers }),
    new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
  );

const shipper: Address = {
  name: 'John Taylor',
  lines: ['10 FedEx Parkway'],
  city: 'Collierville',
  stateCode: 'TN',
  postalCode: '65247',
  countryCode: 'US',
};
const recipient: Address = {
  lines: ['1 Main St'],
  city: 'Blytheville',
  stateCode: 'AR',
  postalCode: '72348',
  countryCode: 'US',
};

describe('rate request', () => {
  it('carries the fields of the spec minimum payload (MinimumSamplePayload_1)', () => {
    const spec = fixture('rate-request-minimum.json') as {
      requestedShipment: Record<string, unknown> & {
        requestedPackageLineItems: { weight: { units: string } }[];
      };
    };
    const req: RateRequest = { shipper, recipient, parcels: [{ weight: { value: 10, unit: 'lb' } }] };
    const built = buildRateRequest(req, 'XXXXX7354') as typeof spec & { accountNumber: unknown };
    expect(built.accountNumber).toEqual({ value: 'XXXXX7354' });
    expect(built.requestedShipment.pickupType).toBe(spec.requestedShipment.pickupType);
    expect(built.requestedShipment.rateRequestType).toEqual(spec.requestedShipment.rateRequestType);
    expect(built.requestedShipment.shipper).toMatchObject(spec.requestedShipment.shipper as object);
    expect(built.requestedShipment.recipient).toMatchObject(spec.requestedShipment.recipient as object);
    // The spec writes the weight as a string "10"; FedEx's schema says number, which we send.
    expect(built.requestedShipment.requestedPackageLineItems[0]?.weight).toEqual({ units: 'LB', value: 10 });
  });

  it('sends one line item per parcel with a shipment total', () => {
    const req: RateRequest = {
      shipper,
      recipient,
      parcels: [{ weight: { value: 1, unit: 'lb' } }, { weight: { value: 10, unit: 'lb' } }],
    };
    const built = buildRateRequest(req, '1') as { requestedShipment: Record<string, unknown> };
    expect(built.requestedShipment.totalPackageCount).toBe(2);
    expect(built.requestedShipment.totalWeight).toBe(11);
    expect(built.requestedShipment.requestedPackageLineItems).toHaveLength(2);
  });
});

describe('rate response (RateOutputVO example, US -> CA)', () => {
  const body = RateResponseBody.parse(fixture('rate-response-international.json'));

  it('prices every known service from its ACCOUNT rate as a decimal string', () => {
    const rates = parseRateResponse(body);
    expect(rates.map((r) => [r.service.code, r.service.level, r.total.amount, r.total.currency])).toEqual([
      ['INTERNATIONAL_FIRST', 'express', '445.54', 'CAD'],
      ['INTERNATIONAL_PRIORITY', 'express', '345.15', 'CAD'],
      ['INTERNATIONAL_ECONOMY', 'economy', '209.56', 'CAD'],
      ['FEDEX_GROUND', 'ground', '53.59', 'CAD'],
    ]);
  });

  it('keeps the breakdown, transit days and the 200 alerts as warnings', () => {
    const first = parseRateResponse(body)[0]!;
    expect(first.breakdown).toEqual([
      { label: 'Base charge', amount: { amount: '403.20', currency: 'CAD' } },
      { label: 'Fuel Surcharge', amount: { amount: '42.34', currency: 'CAD' } },
    ]);
    expect(first.estimatedDays).toBe(3);
    expect(first.warnings?.[0]).toMatch(/^MONEYBACKGUARANTEE\.NOT\.ELIGIBLE: /);
    expect(first.warnings?.some((w) => w.startsWith('EDT.DETAILS.MISSING: '))).toBe(true);
    // Ground has no transitTime in the example: the profile's typical days stand in.
    expect(parseRateResponse(body)[3]?.estimatedDays).toBe(5);
  });

  it('filters by unified level', () => {
    expect(parseRateResponse(body, ['economy']).map((r) => r.service.code)).toEqual([
      'INTERNATIONAL_ECONOMY',
    ]);
  });

  it('falls back to LIST when there is no ACCOUNT rate', () => {
    const reply = structuredClone(body.output.rateReplyDetails[1]!);
    reply.ratedShipmentDetails = reply.ratedShipmentDetails.filter((d) => d.rateType !== 'ACCOUNT');
    const rates = parseRateResponse({ output: { rateReplyDetails: [reply], alerts: [] } });
    expect(rates[0]?.total).toEqual({ amount: '87.28', currency: 'CAD' });
  });

  it('skips a reply whose charges are unreadable (the RateReplyDetail example has quoted keys)', () => {
    const reply = RateReplyDetail.parse(fixture('rate-reply-detail.json'));
    expect(reply.ratedShipmentDetails[0]?.totalNetCharge).toBeUndefined();
    expect(transitDays(reply.commit?.transitDays?.minimumTransitTime)).toBe(2);
    expect(parseRateResponse({ output: { rateReplyDetails: [reply], alerts: [] } })).toEqual([]);
  });
});

describe('ship request', () => {
  const parcels: Parcel[] = [
    { weight: { value: 2.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10.2, unit: 'cm' } },
  ];

  it('has every field the spec requires, in the spec example shape', () => {
    const spec = fixture('ship-request.json') as Record<string, unknown> & {
      requestedShipment: Record<string, unknown>;
    };
    const built = buildShipRequest(
      {
        service: fedexService('PRIORITY_OVERNIGHT')!,
        shipper,
        recipient,
        parcels,
        format: 'PDF',
        reference: 'order-1',
      },
      '740561073',
      IMAGE_TYPES.PDF!,
    ) as typeof spec;
    expect(Object.keys(built).sort()).toEqual(['accountNumber', 'labelResponseOptions', 'requestedShipment']);
    expect(built.labelResponseOptions).toBe(spec.labelResponseOptions);
    for (const key of Object.keys(spec.requestedShipment).filter((k) => k !== 'shipDatestamp')) {
      expect(built.requestedShipment, key).toHaveProperty(key);
    }
    const rs = built.requestedShipment as Record<string, unknown>;
    expect(rs.labelSpecification).toEqual({ imageType: 'PDF', labelStockType: 'PAPER_4X6' });
    expect(rs.shippingChargesPayment).toEqual({ paymentType: 'SENDER' });
    expect(rs.recipients).toEqual([
      {
        contact: {},
        address: {
          streetLines: ['1 Main St'],
          city: 'Blytheville',
          stateOrProvinceCode: 'AR',
          postalCode: '72348',
          countryCode: 'US',
        },
      },
    ]);
    expect(rs.requestedPackageLineItems).toEqual([
      {
        sequenceNumber: 1,
        weight: { units: 'KG', value: 2.5 },
        dimensions: { length: 30, width: 20, height: 11, units: 'CM' },
        customerReferences: [{ customerReferenceType: 'CUSTOMER_REFERENCE', value: 'order-1' }],
      },
    ]);
    expect(rs).not.toHaveProperty('customsClearanceDetail');
  });

  it('maps ZPL to ZPLII and PNG to PNG', () => {
    expect(IMAGE_TYPES.ZPL?.imageType).toBe('ZPLII');
    expect(IMAGE_TYPES.PNG?.imageType).toBe('PNG');
    expect(IMAGE_TYPES.GIF).toBeUndefined();
  });

  it('adds a customs line for an international shipment', () => {
    const built = buildShipRequest(
      {
        service: fedexService('FEDEX_INTERNATIONAL_PRIORITY')!,
        shipper,
        recipient: { ...recipient, countryCode: 'CA', stateCode: 'ON', postalCode: 'M1M1M1' },
        parcels,
        format: 'ZPL',
        options: { insuredValue: { amount: '100.00', currency: 'USD' } },
      },
      '1',
      IMAGE_TYPES.ZPL!,
    ) as { requestedShipment: { customsClearanceDetail: { commodities: Record<string, unknown>[] } } };
    expect(built.requestedShipment.customsClearanceDetail.commodities[0]).toMatchObject({
      quantity: 1,
      customsValue: { amount: 100, currency: 'USD' },
      weight: { units: 'KG', value: 2.5 },
    });
  });
});

describe('ship response (SHPCResponseVO_ShipShipment property examples)', () => {
  const raw = fixture('ship-response.json');

  it('treats the spec literal "encoded label" (not base64) as a bought shipment whose document is unreadable', () => {
    const body = ShipResponseBody.parse(raw);
    const label = parseShipResponse(ctx, body, 'PDF');
    expect(label.trackingNumber).toBe('794953535000');
    expect(label.document).toBeUndefined();
    expect(label.missingDocument).toMatchObject({ reason: 'unreadable' });
  });

  it('extracts tracking number, document bytes and alerts as warnings', () => {
    const body = ShipResponseBody.parse(raw);
    const pdf = new TextEncoder().encode('%PDF-1.4 label');
    body.output.transactionShipments[0]!.pieceResponses[0]!.packageDocuments[0]!.encodedLabel = btoa(
      String.fromCharCode(...pdf),
    );
    const label = parseShipResponse(ctx, body, 'PDF');
    expect(label.trackingNumber).toBe('794953535000');
    expect(label.document).toEqual(pdf);
    expect(label.mediaType).toBe('application/pdf');
    expect(label.warnings).toEqual([
      'SHIPMENT.VALIDATION.SUCCESS: Shipment validated successfully. No errors found.',
      expect.stringMatching(/^RECIPIENTCONTACT\.PHONENUMBER\.INVALID: /),
    ]);
    // Piece netChargeAmount has no currency in the spec; no price is invented.
    expect(label.price).toBeUndefined();
  });

  it('reads the price from shipmentRating when FedEx rates the shipment', () => {
    const body = ShipResponseBody.parse(raw);
    const shipment = body.output.transactionShipments[0]!;
    shipment.pieceResponses[0]!.packageDocuments[0]!.encodedLabel = btoa('^XA^XZ');
    shipment.completedShipmentDetail = {
      shipmentRating: {
        actualRateType: 'PAYOR_ACCOUNT_SHIPMENT',
        shipmentRateDetails: [{ rateType: 'PAYOR_ACCOUNT_SHIPMENT', totalNetCharge: 21.45, currency: 'USD' }],
      },
    };
    expect(parseShipResponse(ctx, body, 'ZPL').price).toEqual({ amount: '21.45', currency: 'USD' });
  });
});

describe('track (Track API example)', () => {
  const body = TrackResponseBody.parse(fixture('track-response.json'));

  it('normalises status and scan events', () => {
    const tracking = parseTrackResponse(ctx, body, '123456789012');
    expect(tracking).toEqual({
      carrier: 'fedex',
      trackingNumber: '123456789012',
      status: 'in_transit',
      events: [
        {
          at: '2018-02-02T12:01:00-07:00',
          status: 'in_transit',
          description: 'Picked Up',
          code: 'PU',
          location: { city: 'SEATTLE', postalCode: '98101', countryCode: 'US' },
        },
      ],
    });
  });

  it('turns a per-number error inside the 200 into a rejection with its code', () => {
    const notFound = { output: { completeTrackResults: [body.output.completeTrackResults[1]!] } };
    expect(() => parseTrackResponse(ctx, notFound, '39936862321')).toThrow(
      expect.objectContaining({ failureClass: 'rejected', code: 'TRACKING.TRACKINGNUMBER.NOTFOUND' }),
    );
  });

  it('builds the documented request and maps the status codes', () => {
    expect(buildTrackRequest('794953535000')).toEqual({
      includeDetailedScans: true,
      trackingInfo: [{ trackingNumberInfo: { trackingNumber: '794953535000' } }],
    });
    expect(['OC', 'PU', 'OD', 'DL', 'DE', 'ZZ'].map(trackingStatusOf)).toEqual([
      'pre_transit',
      'in_transit',
      'out_for_delivery',
      'delivered',
      'exception',
      'unknown',
    ]);
  });
});

describe('error decoding (spec error examples)', () => {
  const cases: [string, number, string, string, boolean][] = [
    ['rate-error-400-account-mismatch.json', 400, 'ACCOUNT.NUMBER.MISMATCH', 'rejected', false],
    [
      'ship-error-400-registration-required.json',
      400,
      'ACCOUNTNUMBER.REGISTRATION.REQUIRED',
      'rejected',
      false,
    ],
    ['track-error-400-empty.json', 400, 'TRACKING.TRACKINGNUMBER.EMPTY', 'rejected', false],
    ['error-401-not-authorized.json', 401, 'NOT.AUTHORIZED.ERROR', 'token_expired', true],
    ['ship-error-401-login-reauthenticate.json', 401, 'LOGIN.REAUTHENTICATE.ERROR', 'token_expired', true],
    ['error-403-forbidden.json', 403, 'FORBIDDEN.ERROR', 'misconfigured', true],
    ['ship-error-403-unauthorized-usage.json', 403, 'UNAUTHORIZED.USAGE', 'misconfigured', true],
    ['error-404-not-found.json', 404, 'NOT.FOUND.ERROR', 'rejected', false],
    ['error-500-internal.json', 500, 'INTERNAL.SERVER.ERROR', 'unavailable', false],
    ['error-503-unavailable.json', 503, 'SERVICE.UNAVAILABLE.ERROR', 'unavailable', false],
  ];
  it.each(cases)('%s (HTTP %i) -> %s %s', (file, status, code, failureClass, auth) => {
    const body = fixture(file) as { errors: { message: string }[] };
    const decoded = carrier.decodeError(json(status, body));
    expect(decoded).toMatchObject({ code, failureClass, message: body.errors[0]!.message });
    expect(decoded.auth ?? false).toBe(auth);
  });

  it('429 daily quota without Retry-After waits until midnight GMT', () => {
    const now = Date.parse('2025-03-01T18:30:00Z');
    const decoded = decodeApiError(
      {
        status: 429,
        headers: new Headers(),
        json: {
          errors: [
            {
              code: 'TOO.MANY.REQUESTS',
              message: 'Daily transaction quota exceeded. Retry after 12:00AM GMT',
            },
          ],
        },
      },
      now,
    );
    expect(decoded).toMatchObject({
      failureClass: 'throttled',
      code: 'TOO.MANY.REQUESTS',
      retryAfterMs: 5.5 * 3600_000,
    });
    expect(msUntilNextUtcMidnight(Date.parse('2025-03-01T00:00:00Z'))).toBe(24 * 3600_000);
  });

  it('429 with Retry-After leaves the delay to the header', () => {
    const decoded = carrier.decodeError(
      json(429, { errors: [{ code: 'X', message: 'slow down' }] }, { 'retry-after': '7' }),
    );
    expect(decoded.failureClass).toBe('throttled');
    expect(decoded.retryAfterMs).toBeUndefined();
  });

  it('an HTML page is unavailable whatever its status, except the auth statuses', () => {
    const html = (status: number) =>
      upstreamResponse(
        status,
        new Headers({ 'content-type': 'text/html' }),
        new TextEncoder().encode('<html>oops</html>'),
      );
    expect(carrier.decodeError(html(502))).toMatchObject({ failureClass: 'unavailable', code: 'HTTP_502' });
    expect(carrier.decodeError(html(400))).toMatchObject({ failureClass: 'unavailable', code: 'HTTP_400' });
    expect(carrier.decodeError(html(401))).toMatchObject({ failureClass: 'token_expired', auth: true });
  });
});

describe('token error decoding', () => {
  const answer = (status: number, body: unknown) => ({
    status,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: JSON.stringify(body),
    json: body,
  });
  const invalid = fixture('token-error-401-invalid-client.json');

  it('401 NOT.AUTHORIZED.ERROR is a configuration problem', () => {
    expect(decodeTokenError(answer(401, invalid))).toMatchObject({
      failureClass: 'misconfigured',
      code: 'NOT.AUTHORIZED.ERROR',
    });
  });
  it('the same body with HTTP 200 is malformed', () => {
    expect(decodeTokenError(answer(200, invalid))?.failureClass).toBe('malformed');
  });
  it('5xx and 429 in FedEx shape are unavailable and throttled', () => {
    expect(decodeTokenError(answer(503, fixture('error-503-unavailable.json')))?.failureClass).toBe(
      'unavailable',
    );
    expect(
      decodeTokenError(answer(429, { errors: [{ code: 'TOO.MANY.REQUESTS', message: 'x' }] }))?.failureClass,
    ).toBe('throttled');
  });
  it('leaves other shapes to the generic OAuth rules', () => {
    expect(decodeTokenError(answer(401, { error: 'invalid_client' }))).toBeUndefined();
    expect(
      decodeTokenError({ status: 502, headers: new Headers(), text: '<html>', json: undefined }),
    ).toBeUndefined();
  });
  it('the token fixture has the documented types', () => {
    expect(fixture('token-response.json')).toMatchObject({
      token_type: 'bearer',
      expires_in: 3599,
      scope: 'CXS',
    });
  });
});

describe('units at FedEx precision', () => {
  const p = (value: number, unit: Parcel['weight']['unit'], dims?: Parcel['dimensions']): Parcel => ({
    weight: { value, unit },
    ...(dims ? { dimensions: dims } : {}),
  });

  it('keeps metric parcels in KG/CM and imperial ones in LB/IN', () => {
    expect(unitSystemFor([p(1, 'g')])).toEqual({ weight: 'KG', length: 'CM' });
    expect(unitSystemFor([p(1, 'oz')])).toEqual({ weight: 'LB', length: 'IN' });
  });

  it('converts weights exactly and rounds up to two decimals', () => {
    const kg = { weight: 'KG', length: 'CM' } as const;
    const lb = { weight: 'LB', length: 'IN' } as const;
    expect(packageWeight(p(500, 'g'), kg)).toEqual({ units: 'KG', value: 0.5 });
    expect(packageWeight(p(10, 'oz'), lb)).toEqual({ units: 'LB', value: 0.63 }); // exactly 0.625 lb
    expect(packageWeight(p(1, 'lb'), kg)).toEqual({ units: 'KG', value: 0.46 }); // 0.45359237 kg
    expect(packageWeight(p(1, 'kg'), lb)).toEqual({ units: 'LB', value: 2.21 }); // 2.2046... lb
    expect(packageWeight(p(2.2, 'lb'), lb)).toEqual({ units: 'LB', value: 2.2 });
  });

  it('sends whole dimensions, rounded up', () => {
    const dims = { length: 10, width: 30.1, height: 1, unit: 'in' } as const;
    expect(packageDimensions(p(1, 'kg', dims), { weight: 'KG', length: 'CM' })).toEqual({
      length: 26,
      width: 77,
      height: 3,
      units: 'CM',
    });
    expect(
      packageDimensions(p(1, 'lb', { length: 30, width: 20, height: 10, unit: 'cm' }), {
        weight: 'LB',
        length: 'IN',
      }),
    ).toEqual({
      length: 12,
      width: 8,
      height: 4,
      units: 'IN',
    });
  });

  it('totals the shipment weight with one decimal', () => {
    expect(shipmentWeight([p(1.01, 'kg'), p(1.01, 'kg')], { weight: 'KG', length: 'CM' })).toEqual({
      units: 'KG',
      value: 2.1,
    });
    expect(shipmentWeight([p(1, 'kg'), p(1, 'lb')], { weight: 'KG', length: 'CM' })).toEqual({
      units: 'KG',
      value: 1.5,
    });
  });
});

describe('profile', () => {
  it('declares form client credentials at /oauth/token and requires accountNumber', () => {
    expect(carrier.auth.methods.client_credentials).toMatchObject({
      tokenPath: '/oauth/token',
      clientAuth: 'form',
    });
    expect(carrier.auth.credentialFields.client_credentials).toEqual(['clientId', 'clientSecret']);
    expect(carrier.requiredSettings).toEqual(['accountNumber']);
    expect(carrier.hosts.default).toEqual({
      sandbox: 'https://apis-sandbox.fedex.com',
      production: 'https://apis.fedex.com',
    });
    expect(carrier.labelFormats).toEqual(['PDF', 'ZPL', 'PNG']);
  });

  it('serves US and CA domestic, international, and no embargoed country', () => {
    expect(carrier.servesRoute({ from: 'US', to: 'US' })).toBe(true);
    expect(carrier.servesRoute({ from: 'US', to: 'FR' })).toBe(true);
    expect(carrier.servesRoute({ from: 'FR', to: 'FR' })).toBe(false);
    expect(carrier.servesRoute({ from: 'US', to: 'CU' })).toBe(false);
  });
});
