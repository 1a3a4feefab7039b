/**
 * Every UPS fixture through the mapping: values extracted exactly (decimal-string prices,
 * service levels, tracking numbers, error codes and classes), and unit conversion at UPS
 * precision. Pure functions, no network.
 */
import { describe, expect, it } from 'vitest';
import { parseTokenAnswer } from '../../../src/auth/strategies/oauth-token.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import type { Address, RateRequest } from '../../../src/domain/shipment.ts';
import { decodeApiError, decodeTokenError } from '../mapping/errors.ts';
import { buildShipBody, parseShipResponse } from '../mapping/labels.ts';
import { buildRateCall, candidateServices, parseRateResponse } from '../mapping/rates.ts';
import { unitSystemFor, upsDimensions, upsWeight } from '../mapping/shipment-parts.ts';
import { activityInstant, parseTrackResponse, statusFromUps } from '../mapping/tracking.ts';
import { serviceByCode, UPS_LABEL_FORMATS, upsAuth } from '../profile.ts';
import { answer, fixture } from './fixture.ts';

const timonium: Address = {
  name: 'ShipperName',
  lines: ['2311 York Rd'],
  city: 'TIMONIUM',
  stateCode: 'MD',
  postalCode: '21093',
  countryCode: 'US',
};
const alpharetta: Address = {
  name: 'ShipToName',
  lines: ['12380 Morris Rd'],
  city: 'Alpharetta',
  stateCode: 'GA',
  postalCode: '30005',
  countryCode: 'US',
};
const paris: Address = {
  name: 'Client',
  lines: ['1 rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
};

const WHO = { carrier: 'ups', account: { id: 'test', environment: 'sandbox' as const, settings: {} } };

const at = <T>(items: readonly T[], i: number): T => {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
};

describe('rating responses', () => {
  it('reads RatedShipment as an OBJECT (requestoption Rate)', () => {
    const rates = parseRateResponse(fixture('rate-response.rate.json'));
    expect(rates).toHaveLength(1);
    const rate = at(rates, 0);
    expect(rate.service).toEqual({ code: '03', name: 'UPS Ground', level: 'ground' });
    expect(rate.total).toEqual({ amount: '9.45', currency: 'USD' });
    expect(rate.breakdown).toEqual([
      { label: 'transportation', amount: { amount: '9.45', currency: 'USD' } },
      { label: 'service options', amount: { amount: '0.00', currency: 'USD' } },
    ]);
    expect(rate.warnings).toEqual(['Your invoice may vary from the displayed reference rates']);
  });

  it('reads RatedShipment as an ARRAY (requestoption Shop) with every service and level', () => {
    const rates = parseRateResponse(fixture('rate-response.shop.json'));
    const byCode = Object.fromEntries(rates.map((r) => [r.service.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(['01', '02', '03', '12', '13', '14', '59']);
    expect(byCode['14']?.total).toEqual({ amount: '117.15', currency: 'USD' });
    expect(byCode['14']?.service.level).toBe('overnight');
    expect(byCode['14']?.estimatedDays).toBe(1);
    expect(byCode['59']?.service).toEqual({ code: '59', name: 'UPS 2nd Day Air A.M.', level: 'express' });
    expect(byCode['59']?.total.amount).toBe('31.43');
    expect(byCode['12']?.service.level).toBe('standard');
    expect(byCode['12']?.estimatedDays).toBe(3);
    expect(byCode['02']?.total.amount).toBe('27.74');
    expect(byCode['03']?.total.amount).toBe('12.49');
    for (const r of rates) expect(typeof r.total.amount).toBe('string');
  });

  it('refuses a body that is not a rating answer', () => {
    expect(() => parseRateResponse(fixture('error.bill-shipper.json'))).toThrow();
  });
});

describe('rating requests', () => {
  const spec = fixture('rate-request.simple.json') as { RateRequest: { Shipment: Record<string, unknown> } };
  const req: RateRequest = {
    shipper: timonium,
    recipient: alpharetta,
    parcels: [
      { weight: { value: 1, unit: 'lb' }, dimensions: { length: 5, width: 5, height: 5, unit: 'in' } },
    ],
    services: ['ground'],
  };

  it('rates one service with "Rate" and a body shaped like the spec example', () => {
    const candidates = candidateServices(req);
    expect(candidates.map((c) => c.code)).toEqual(['03']);
    const call = buildRateCall(req, 'A1B2C3', candidates);
    expect(call.requestOption).toBe('Rate');
    expect(call.path).toBe('/api/rating/v2409/Rate');
    const shipment = (call.body as typeof spec).RateRequest.Shipment;
    // Same containers and wire names as the official example.
    expect(
      Object.keys(shipment)
        .filter((k) => k in spec.RateRequest.Shipment)
        .sort(),
    ).toEqual(
      ['NumOfPieces', 'Package', 'PaymentDetails', 'Service', 'ShipFrom', 'ShipTo', 'Shipper'].sort(),
    );
    expect(shipment.Service).toEqual({ Code: '03', Description: 'UPS Ground' });
    expect(shipment.PaymentDetails).toEqual({
      ShipmentCharge: [{ Type: '01', BillShipper: { AccountNumber: 'A1B2C3' } }],
    });
    expect(shipment.Shipper).toMatchObject({
      ShipperNumber: 'A1B2C3',
      Address: { PostalCode: '21093', CountryCode: 'US' },
    });
    const pkg = at(shipment.Package as Record<string, unknown>[], 0);
    expect(pkg.PackagingType).toMatchObject({ Code: '02' });
    expect(pkg.PackageWeight).toEqual({
      UnitOfMeasurement: { Code: 'LBS', Description: 'Pounds' },
      Weight: '1.0',
    });
    expect(pkg.Dimensions).toMatchObject({
      UnitOfMeasurement: { Code: 'IN' },
      Length: '5.00',
      Width: '5.00',
      Height: '5.00',
    });
  });

  it('shops several services with "Shop" and no Service', () => {
    const all = { ...req, services: undefined };
    const call = buildRateCall(all, 'A1B2C3', candidateServices(all));
    expect(call.requestOption).toBe('Shop');
    expect(call.path).toBe('/api/rating/v2409/Shop');
    expect((call.body as typeof spec).RateRequest.Shipment.Service).toBeUndefined();
  });

  it('offers international services only across borders', () => {
    const codes = candidateServices({ shipper: timonium, recipient: paris }).map((s) => s.code);
    expect(codes).toEqual(['54', '07', '65', '08', '11']);
    expect(candidateServices({ shipper: timonium, recipient: paris, services: ['ground'] })).toEqual([]);
  });
});

describe('units at UPS precision (weight 0.1, dimensions 0.01, rounded up)', () => {
  const us = unitSystemFor('US');
  const fr = unitSystemFor('FR');
  it('converts to pounds and inches from a US origin', () => {
    expect(upsWeight({ weight: { value: 1, unit: 'kg' } }, us).Weight).toBe('2.3'); // 2.2046 lb
    expect(upsWeight({ weight: { value: 500, unit: 'g' } }, us).Weight).toBe('1.2'); // 1.1023 lb
    expect(upsWeight({ weight: { value: 16, unit: 'oz' } }, us).Weight).toBe('1.0'); // exactly 1 lb
    expect(
      upsDimensions(
        { weight: { value: 1, unit: 'kg' }, dimensions: { length: 10, width: 20, height: 30, unit: 'cm' } },
        us,
      ),
    ).toEqual({
      UnitOfMeasurement: { Code: 'IN', Description: 'Inches' },
      Length: '3.94', // 3.937007...
      Width: '7.88', // 7.874015...
      Height: '11.82', // 11.811023...
    });
  });
  it('converts to kilograms and centimetres elsewhere', () => {
    expect(upsWeight({ weight: { value: 2.5, unit: 'lb' } }, fr)).toEqual({
      UnitOfMeasurement: { Code: 'KGS', Description: 'Kilograms' },
      Weight: '1.2', // 1.133980925 kg rounded up
    });
    expect(
      upsDimensions(
        { weight: { value: 1, unit: 'kg' }, dimensions: { length: 12, width: 1, height: 0.5, unit: 'in' } },
        fr,
      ),
    ).toMatchObject({
      Length: '30.48',
      Width: '2.54',
      Height: '1.27',
    });
  });
});

describe('shipping', () => {
  const spec = fixture('ship-request.standard.json') as {
    ShipmentRequest: Record<string, Record<string, unknown>>;
  };

  it('builds a ship body shaped like the spec example', () => {
    const body = buildShipBody(
      {
        service: serviceByCode('03')!,
        shipper: timonium,
        recipient: { ...alpharetta, phone: '922-537-7171' },
        parcels: [
          { weight: { value: 5, unit: 'lb' }, dimensions: { length: 10, width: 30, height: 45, unit: 'in' } },
        ],
        format: 'GIF',
        reference: 'order-42',
      },
      'A1B2C3',
    ) as typeof spec;
    const r = body.ShipmentRequest;
    expect(Object.keys(r).sort()).toEqual(Object.keys(spec.ShipmentRequest).sort());
    expect(r.Request).toMatchObject({
      RequestOption: 'nonvalidate',
      TransactionReference: { CustomerContext: 'order-42' },
    });
    expect(r.LabelSpecification).toEqual({
      LabelImageFormat: { Code: 'GIF', Description: 'GIF' },
      HTTPUserAgent: 'Mozilla/4.5',
    });
    expect(r.Shipment?.Service).toEqual({ Code: '03', Description: 'UPS Ground' });
    expect(r.Shipment?.ShipTo).toMatchObject({ Phone: { Number: '9225377171' } });
    const pkg = at(r.Shipment?.Package as Record<string, unknown>[], 0);
    expect(pkg.Packaging).toMatchObject({ Code: '02' });
    expect(pkg.PackageWeight).toEqual({
      UnitOfMeasurement: { Code: 'LBS', Description: 'Pounds' },
      Weight: '5.0',
    });
    expect(pkg.ReferenceNumber).toEqual({ Value: 'order-42' });
  });

  it('asks thermal labels on 4x6 stock', () => {
    const body = buildShipBody(
      {
        service: serviceByCode('03')!,
        shipper: timonium,
        recipient: alpharetta,
        parcels: [{ weight: { value: 1, unit: 'kg' } }],
        format: 'ZPL',
      },
      'A1B2C3',
    ) as typeof spec;
    expect(body.ShipmentRequest.LabelSpecification).toMatchObject({
      LabelImageFormat: { Code: 'ZPL' },
      LabelStockSize: { Height: '6', Width: '4' },
    });
  });

  it('reads PackageResults as an OBJECT, the base64 GIF and the negotiated price', () => {
    const parsed = parseShipResponse(fixture('ship-response.single-package.json'), 'GIF');
    expect(parsed.trackingNumber).toBe('1ZWA82900123277535');
    expect(parsed.documents).toHaveLength(1);
    const label = boughtLabel(WHO, parsed);
    expect(label.trackingNumber).toBe('1ZWA82900123277535');
    expect(label.mediaType).toBe('image/gif');
    expect(new TextDecoder().decode(label.document!.slice(0, 6))).toBe('GIF89a');
    // NegotiatedRateCharges.TotalCharge wins over ShipmentCharges.TotalCharges (193.64).
    expect(label.price).toEqual({ amount: '198.42', currency: 'USD' });
  });

  it('never offers PDF on /ship', () => {
    expect(UPS_LABEL_FORMATS).not.toContain('PDF');
    expect([...UPS_LABEL_FORMATS].sort()).toEqual(['GIF', 'PNG', 'ZPL']);
  });
});

describe('tracking', () => {
  it('normalises the schema example activity', () => {
    const parsed = parseTrackResponse(fixture('track-response.schema-examples.json'), '1Z023E2X0214323462');
    if (!parsed.found) throw new Error('expected a shipment');
    expect(parsed.tracking.trackingNumber).toBe('1Z023E2X0214323462');
    expect(parsed.tracking.status).toBe('exception');
    expect(parsed.tracking.events).toEqual([
      {
        // gmtDate 20210210 + gmtTime 74700 (= 07:47:00) -> an exact UTC instant.
        at: '2021-02-10T07:47:00Z',
        status: 'exception',
        description: 'Your package was released by the customs agency.',
        code: 'SR',
        location: { city: 'Wayne', postalCode: '07470', countryCode: 'US' },
      },
    ]);
  });

  it('reports an unknown number (200 + warning TW0001) as not found', () => {
    expect(parseTrackResponse(fixture('track-response.not-found.json'), '1Z')).toEqual({
      found: false,
      code: 'TW0001',
      message: 'Tracking Information Not Found',
    });
  });

  it('maps UPS status types', () => {
    expect(statusFromUps({ type: 'M' })).toBe('pre_transit');
    expect(statusFromUps({ type: 'P' })).toBe('in_transit');
    expect(statusFromUps({ type: 'I', description: 'Out For Delivery Today' })).toBe('out_for_delivery');
    expect(statusFromUps({ type: 'D' })).toBe('delivered');
    expect(statusFromUps({ type: 'RS' })).toBe('exception');
    expect(statusFromUps({ type: 'ZZ' })).toBe('unknown');
    expect(activityInstant({ date: '20240102', time: '134500' })).toBe('2024-01-02T13:45:00');
  });
});

describe('API error decoding', () => {
  it('250002 on 401: the bearer was refused -> token_expired, auth', () => {
    expect(decodeApiError(answer(401, fixture('error.invalid-authentication.json')))).toEqual({
      failureClass: 'token_expired',
      code: '250002',
      message: 'Invalid Authentication Information',
      auth: true,
    });
  });

  it('10429 on 429 -> throttled with Retry-After', () => {
    expect(
      decodeApiError(answer(429, fixture('error.too-many-requests.json'), { 'retry-after': '7' })),
    ).toEqual({
      failureClass: 'throttled',
      code: '10429',
      message: 'Too Many Requests',
      retryAfterMs: 7000,
    });
  });

  it('business refusals -> rejected with the UPS code', () => {
    expect(decodeApiError(answer(400, fixture('error.bill-shipper.json')))).toMatchObject({
      failureClass: 'rejected',
      code: '111600',
      message: 'BillShipper payment method is not valid for this shipment.',
    });
    expect(decodeApiError(answer(400, fixture('error.package-type-unavailable.json')))).toMatchObject({
      failureClass: 'rejected',
      code: '111212',
    });
    expect(decodeApiError(answer(400, fixture('error.invalid-inquiry-number.json')))).toMatchObject({
      failureClass: 'rejected',
      code: 'TV1002',
      message: 'Invalid inquiry number',
    });
  });

  it('legacy SOAP-style fault with Authentication severity -> misconfigured, auth', () => {
    expect(decodeApiError(answer(400, fixture('error.legacy-fault.json')))).toEqual({
      failureClass: 'misconfigured',
      code: '250003',
      message: 'Invalid Access License number',
      auth: true,
    });
  });

  it('403 Blocked Merchant -> misconfigured, auth', () => {
    const blocked = { response: { errors: [{ code: '250002', message: 'Blocked Merchant' }] } };
    expect(decodeApiError(answer(403, blocked))).toMatchObject({ failureClass: 'misconfigured', auth: true });
  });

  it('5xx and HTML pages -> unavailable', () => {
    expect(decodeApiError(answer(503, '<html><body>Service Unavailable</body></html>'))).toMatchObject({
      failureClass: 'unavailable',
      code: 'HTTP_503',
    });
    expect(
      decodeApiError(answer(500, { response: { errors: [{ code: '9999', message: 'Internal' }] } })),
    ).toMatchObject({
      failureClass: 'unavailable',
      code: '9999',
    });
  });
});

describe('token endpoint', () => {
  const tokenAnswer = (status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status, headers: new Headers(), text, json };
  };

  it('declares both grants, client credentials by default, Basic client auth, rotation', () => {
    expect(upsAuth.default).toBe('client_credentials');
    expect(upsAuth.methods.client_credentials).toMatchObject({
      tokenPath: '/security/v1/oauth/token',
      clientAuth: 'basic',
    });
    expect(upsAuth.methods.authorization_code).toMatchObject({
      authorizeUrlPath: '/security/v1/oauth/authorize',
      refreshPath: '/security/v1/oauth/refresh',
      rotatesRefreshToken: true,
    });
  });

  it('string lifetimes of the official samples give a 14399 s token', () => {
    const cc = parseTokenAnswer(
      tokenAnswer(200, fixture('token-response.client-credentials.json')),
      1_000_000,
    );
    expect(cc?.expiresAt).toBe(1_000_000 + 14_399_000);
    const ac = parseTokenAnswer(tokenAnswer(200, fixture('token-response.auth-code.json')), 0);
    expect(ac?.refreshToken).toBe('<you can get new refresh token >');
    expect(ac?.refreshTokenExpiresAt).toBe(604_799_000);
  });

  it('classifies UPS token errors', () => {
    const auth = fixture('error.invalid-authentication.json');
    expect(decodeTokenError(tokenAnswer(401, auth))).toMatchObject({
      failureClass: 'misconfigured',
      code: '250002',
    });
    expect(decodeTokenError(tokenAnswer(429, fixture('error.too-many-requests.json')))).toMatchObject({
      failureClass: 'throttled',
      code: '10429',
    });
    const deadRefresh = { response: { errors: [{ code: '250002', message: 'Invalid Refresh Token' }] } };
    expect(decodeTokenError(tokenAnswer(401, deadRefresh))).toMatchObject({ failureClass: 'revoked' });
    expect(decodeTokenError(tokenAnswer(200, auth))).toMatchObject({
      failureClass: 'malformed',
      code: '250002',
    });
    // Not a UPS body: left to the generic OAuth rules.
    expect(decodeTokenError(tokenAnswer(503, '<html>down</html>'))).toBeUndefined();
    expect(
      decodeTokenError(tokenAnswer(200, fixture('token-response.client-credentials.json'))),
    ).toBeUndefined();
  });
});
