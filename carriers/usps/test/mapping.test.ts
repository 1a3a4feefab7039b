/**
 * The USPS mapping against the spec's own wire examples (fixtures/): what it sends, what it
 * reads back, how it classifies errors, and exact unit conversion at USPS precision.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnreadableBodyError } from '../../../src/carrier/body.ts';
import type { CarrierContext, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { fromBase64, toBase64 } from '../../../src/domain/base64.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Address, RateRequest } from '../../../src/domain/shipment.ts';
import { paymentRoles, paymentToken } from '../auth/payment-token.ts';
import { decodeTokenError } from '../auth/token-errors.ts';
import { carrier } from '../index.ts';
import { buildRateQuery, parseBaseRates } from '../mapping/base-rates.ts';
import { decodeUspsError, retryAfterMs } from '../mapping/errors.ts';
import { labelFacts, labelPrice, readLabelAnswer } from '../mapping/label-answer.ts';
import { buildLabelRequest } from '../mapping/labels.ts';
import { entryFacilityFor, rateIndicatorFor } from '../mapping/mail-classes.ts';
import { toUspsPackage } from '../mapping/package.ts';
import type { ParcelPrice } from '../mapping/rate-choice.ts';
import { candidateServices, combineParcels } from '../mapping/rates.ts';
import { parseTracking, statusFromText } from '../mapping/tracking.ts';
import { USPS_SERVICES } from '../profile.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string): unknown => JSON.parse(fixture(name));

function upstream(status: number, body: string, headers: Record<string, string> = {}): UpstreamResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    body: bytes,
    text: () => body,
    json: () => {
      try {
        return JSON.parse(body);
      } catch {
        return undefined;
      }
    },
  };
}

/** Builders only read the account; a call to request() would be a bug in these tests. */
const buildContext: CarrierContext = {
  carrier: 'usps',
  account: {
    id: 'acct',
    environment: 'sandbox',
    settings: { crid: '12345678', mid: '123456', accountNumber: '1234' },
  },
  request: () => Promise.reject(new Error('builders never send')),
  secret: () => {
    throw new Error('no secrets in builders');
  },
};

const service = (code: string) => {
  const found = USPS_SERVICES.find((s) => s.code === code);
  if (!found) throw new Error(code);
  return found;
};

const washington: Address = {
  name: 'Sam Wilson',
  lines: ['45 L St SW'],
  city: 'Washington',
  stateCode: 'DC',
  postalCode: '20024',
  countryCode: 'US',
};
const stLouis: Address = {
  name: 'Nick Fury',
  lines: ['2700 S Jefferson Ave', 'STE 150'],
  city: 'St. Louis',
  stateCode: 'MO',
  postalCode: '63104-2351',
  countryCode: 'US',
};

/** A base-rates answer that must be a price of `mailClass`. */
function priced(body: unknown, mailClass: string): ParcelPrice {
  const read = parseBaseRates(body, mailClass);
  if ('reason' in read) throw new Error(read.reason);
  return read;
}

const WHO = { carrier: 'usps', account: { id: 'test', environment: 'sandbox' as const, settings: {} } };

describe('prices', () => {
  it('reads BaseRatesSearchExample: total, postage and fee as decimal strings, the warning', () => {
    const price = priced(json('prices-base-rates-search.response.json'), 'USPS_GROUND_ADVANTAGE');
    expect(price?.total).toEqual({ amount: '8.65', currency: 'USD' });
    expect(price?.breakdown).toEqual([
      { label: 'postage', amount: { amount: '4.65', currency: 'USD' } },
      { label: 'Nonstandard Length > 22', amount: { amount: '4.00', currency: 'USD' } },
    ]);
    expect(price?.warnings).toEqual(['Contract rate not found for request. Published rate returned.']);
  });

  it('reads the international answer (PRIORITY_MAIL_INTERNATIONAL) in the same shape', () => {
    const price = priced(
      json('international-prices-base-rates-search.response.json'),
      'PRIORITY_MAIL_INTERNATIONAL',
    );
    expect(price?.total).toEqual({ amount: '61.80', currency: 'USD' });
  });

  it('accepts amounts as strings, as the docs write them', () => {
    expect(priced({ totalBasePrice: '12.3', rates: [] }, 'PRIORITY_MAIL').total.amount).toBe('12.30');
    expect(() => parseBaseRates({ rates: [] }, 'PRIORITY_MAIL')).toThrow(UnreadableBodyError);
  });

  it('sums a mail class over parcels exactly (0.1 + 0.2 is 0.30, not 0.30000000000000004)', () => {
    const a = priced({ totalBasePrice: 0.1, rates: [{ price: 0.1 }] }, 'PRIORITY_MAIL');
    const b = priced({ totalBasePrice: 0.2, rates: [{ price: 0.2 }] }, 'PRIORITY_MAIL');
    const rate = combineParcels(service('PRIORITY_MAIL'), [a, b]);
    expect(rate.total).toEqual({ amount: '0.30', currency: 'USD' });
    expect(rate.breakdown).toEqual([{ label: 'postage', amount: { amount: '0.30', currency: 'USD' } }]);
    expect(rate.service).toEqual({ code: 'PRIORITY_MAIL', name: 'Priority Mail', level: 'express' });
    expect(rate.estimatedDays).toBe(2);
  });

  it('builds a BaseRatesQuery with every required field of the spec', () => {
    const query = buildRateQuery({
      service: service('USPS_GROUND_ADVANTAGE'),
      parcel: {
        weight: { value: 2, unit: 'kg' },
        dimensions: { length: 20, width: 30, height: 10, unit: 'cm' },
      },
      originZip: '22407',
      destination: { countryCode: 'US', postalCode: '63118' },
      settings: { accountNumber: '1234567890' },
      mailingDate: '2025-07-14',
    });
    expect(query).toEqual({
      originZIPCode: '22407',
      destinationZIPCode: '63118',
      weight: 4.41, // 2 kg = 4.40924... lb, rounded up at 2 decimals
      length: 11.82, // 30 cm = 11.811... in, up
      width: 7.88,
      height: 3.94,
      mailClass: 'USPS_GROUND_ADVANTAGE',
      processingCategory: 'MACHINABLE',
      rateIndicator: 'SP',
      destinationEntryFacilityType: 'NONE',
      priceType: 'COMMERCIAL',
      mailingDate: '2025-07-14',
      accountType: 'EPS',
      accountNumber: '1234567890',
    });
  });

  it('builds the international query with destinationCountryCode and foreignPostalCode', () => {
    const query = buildRateQuery({
      service: service('PRIORITY_MAIL_INTERNATIONAL'),
      parcel: { weight: { value: 500, unit: 'g' } },
      originZip: '10001',
      destination: { countryCode: 'FR', postalCode: '75001' },
      settings: {},
    });
    expect(query).toMatchObject({ destinationCountryCode: 'FR', foreignPostalCode: '75001', weight: 1.11 });
    expect(query).not.toHaveProperty('destinationZIPCode');
    expect(query).not.toHaveProperty('accountNumber');
  });

  it('maps domestic and international mail classes to unified levels and filters by level', () => {
    const domestic: RateRequest = {
      shipper: washington,
      recipient: stLouis,
      parcels: [{ weight: { value: 1, unit: 'lb' } }],
    };
    expect(candidateServices(domestic).map((s) => [s.code, s.level])).toEqual([
      ['PRIORITY_MAIL_EXPRESS', 'overnight'],
      ['PRIORITY_MAIL', 'express'],
      ['USPS_GROUND_ADVANTAGE', 'ground'],
      ['PARCEL_SELECT', 'economy'],
    ]);
    const abroad = { ...domestic, recipient: { ...stLouis, countryCode: 'FR', stateCode: undefined } };
    expect(candidateServices(abroad).map((s) => [s.code, s.level])).toEqual([
      ['PRIORITY_MAIL_EXPRESS_INTERNATIONAL', 'express'],
      ['PRIORITY_MAIL_INTERNATIONAL', 'standard'],
      ['FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE', 'economy'],
    ]);
    expect(candidateServices({ ...domestic, services: ['ground'] }).map((s) => s.code)).toEqual([
      'USPS_GROUND_ADVANTAGE',
    ]);
  });

  it('quotes USPS Connect Local only for an account enrolled in it, entered at the delivery unit', () => {
    const domestic: RateRequest = {
      shipper: washington,
      recipient: stLouis,
      parcels: [{ weight: { value: 1, unit: 'lb' } }],
    };
    const overnight = { ...domestic, services: ['overnight' as const] };
    expect(candidateServices(overnight).map((s) => s.code)).toEqual(['PRIORITY_MAIL_EXPRESS']);
    expect(candidateServices(overnight, { connectLocal: 'true' }).map((s) => s.code)).toEqual([
      'PRIORITY_MAIL_EXPRESS',
      'USPS_CONNECT_LOCAL',
    ]);
    expect(rateIndicatorFor('USPS_CONNECT_LOCAL')).toBe('LC');
    expect(entryFacilityFor('USPS_CONNECT_LOCAL', {})).toBe('DESTINATION_DELIVERY_UNIT');
  });
});

describe('units at USPS precision (pounds and inches, 2 decimals, rounded up)', () => {
  it.each([
    [{ value: 1, unit: 'kg' as const }, '2.21'], // 2.20462...
    [{ value: 16, unit: 'oz' as const }, '1.00'],
    [{ value: 453.59237, unit: 'g' as const }, '1.00'],
    [{ value: 0.1, unit: 'lb' as const }, '0.10'],
    [{ value: 100, unit: 'g' as const }, '0.23'], // 0.2204... up
  ])('%o -> %s lb', (weight, pounds) => {
    expect(toUspsPackage({ weight }).weight).toBe(pounds);
  });

  it('orders sides longest first and converts cm exactly', () => {
    const pkg = toUspsPackage({
      weight: { value: 1, unit: 'lb' },
      dimensions: { length: 2.54, width: 25.4, height: 12.7, unit: 'cm' },
    });
    expect([pkg.length, pkg.width, pkg.height]).toEqual(['10.00', '5.00', '1.00']);
  });

  it('classifies oversize or overweight parcels as NONSTANDARD', () => {
    const long = toUspsPackage({
      weight: { value: 2, unit: 'lb' },
      dimensions: { length: 30, width: 5, height: 5, unit: 'in' },
    });
    const heavy = toUspsPackage({ weight: { value: 30, unit: 'lb' } });
    expect(long.processingCategory).toBe('NONSTANDARD');
    expect(heavy.processingCategory).toBe('NONSTANDARD');
  });
});

describe('labels', () => {
  it('builds the spec GroundAdvantageRequest from the unified request', () => {
    const body = buildLabelRequest(buildContext, {
      service: service('USPS_GROUND_ADVANTAGE'),
      shipper: washington,
      recipient: stLouis,
      parcels: [
        { weight: { value: 0.5, unit: 'lb' }, dimensions: { length: 9, width: 6, height: 0.25, unit: 'in' } },
      ],
      format: 'PDF',
      shipDate: '2024-10-05',
    });
    const spec = json('labels-ground-advantage.request.json') as Record<string, Record<string, unknown>>;
    expect(body.toAddress).toEqual(spec.toAddress);
    expect(body.fromAddress).toEqual(spec.fromAddress);
    // The example puts 6 in height and 0.25 in width; the prices spec says width is the second
    // longest side, which the mapping follows. The category is computed (DMM 201), not copied.
    const {
      processingCategory: _c1,
      width: w1,
      height: h1,
      ...pkg
    } = body.packageDescription as Record<string, unknown>;
    const { processingCategory: _c2, width: w2, height: h2, ...specPkg } = spec.packageDescription ?? {};
    expect(pkg).toEqual(specPkg);
    expect([w1, h1]).toEqual([6, 0.25]);
    expect([w2, h2].sort()).toEqual([0.25, 6]);
    expect(body.imageInfo).toEqual({ imageType: 'PDF', labelType: '4X6LABEL', receiptOption: 'NONE' });
  });

  it('asks for ZPL203DPI, PNG and GIF images', () => {
    const make = (format: 'ZPL' | 'PNG' | 'GIF') =>
      buildLabelRequest(buildContext, {
        service: service('PRIORITY_MAIL'),
        shipper: washington,
        recipient: stLouis,
        parcels: [{ weight: { value: 1, unit: 'lb' } }],
        format,
      }).imageInfo as Record<string, string>;
    expect([make('ZPL').imageType, make('PNG').imageType, make('GIF').imageType]).toEqual([
      'ZPL203DPI',
      'PNG',
      'GIF',
    ]);
  });

  it('refuses international shipments and several parcels before sending (not_sent)', () => {
    const base = {
      shipper: washington,
      recipient: stLouis,
      parcels: [{ weight: { value: 1, unit: 'lb' as const } }],
      format: 'PDF' as const,
    };
    const intl = () =>
      buildLabelRequest(buildContext, { ...base, service: service('PRIORITY_MAIL_INTERNATIONAL') });
    const two = () =>
      buildLabelRequest(buildContext, {
        ...base,
        service: service('PRIORITY_MAIL'),
        parcels: [...base.parcels, ...base.parcels],
      });
    for (const attempt of [intl, two]) {
      try {
        attempt();
        expect.unreachable('should refuse');
      } catch (e) {
        expect(e).toBeInstanceOf(CarrierError);
        expect((e as CarrierError).outcome).toBe('not_sent');
        expect((e as CarrierError).failureClass).toBe('rejected');
      }
    }
  });

  it('reads the vendor JSON answer (Base64EncodedImagesExample): tracking number, PNG bytes, price', () => {
    const body = new TextEncoder().encode(fixture('labels-vendor-json.response.json'));
    const parsed = readLabelAnswer('application/vnd.usps.labels+json', body);
    expect(parsed.metadata.trackingNumber).toBe('123456789012');
    // postage 10.99 + extra services 3.99 + 2.99 + fee 1.23
    expect(labelPrice(parsed.metadata)).toEqual({ amount: '19.20', currency: 'USD' });
    const label = boughtLabel(WHO, labelFacts(parsed, 'PNG', 200, 'PNG'));
    expect(label).toMatchObject({ trackingNumber: '123456789012', format: 'PNG', mediaType: 'image/png' });
    expect([...label.document!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it.each(['labels-multipart.response.txt', 'labels-multipart-mixed-newlines.response.txt'])(
    'reads the multipart/form-data answer (%s): metadata part and base64 image part',
    (name) => {
      const body = new TextEncoder().encode(fixture(name));
      const parsed = readLabelAnswer('multipart/form-data; boundary=6p7jEqRvNj5nnsuzalbLR5zG', body);
      expect(parsed.metadata.trackingNumber).toBe('123456789012');
      const vendor = json('labels-vendor-json.response.json') as { labelImage: string };
      const label = boughtLabel(WHO, labelFacts(parsed, 'PNG', 200, 'PNG'));
      expect(label.document).toEqual(fromBase64(vendor.labelImage));
    },
  );

  it('USPS-published multipart answers: unnamed parts (the image after the metadata), a stray space in the base64', () => {
    const pdf = toBase64(new TextEncoder().encode('%PDF-1.4 published label %%EOF'));
    const body = new TextEncoder().encode(
      [
        '--726UYUDSQB6JWJXFDY',
        'Content-type: application/json',
        '',
        '{"trackingNumber":"9205590109769900012613","postage":7.64,"extraServices":[{"name":"USPS Tracking","price":0}],"fees":[]}',
        '--726UYUDSQB6JWJXFDY',
        'File Name: label.pdf',
        'Content-Type: application/pdf',
        'Content-Encoding: gzip',
        'Content-Transfer-Encoding: encode',
        '',
        `${pdf.slice(0, 8)} ${pdf.slice(8)}`,
        '--726UYUDSQB6JWJXFDY--',
      ].join('\n'),
    );
    const parsed = readLabelAnswer('multipart/form-data; boundary=726UYUDSQB6JWJXFDY', body);
    const label = boughtLabel(WHO, labelFacts(parsed, 'PDF', 200, 'PDF'));
    expect(label).toMatchObject({
      trackingNumber: '9205590109769900012613',
      price: { amount: '7.64', currency: 'USD' },
      format: 'PDF',
    });
    expect(new TextDecoder().decode(label.document)).toBe('%PDF-1.4 published label %%EOF');
  });

  it('an answer with a tracking number and no image is a bought label without its document', () => {
    const noImage = new TextEncoder().encode('{"trackingNumber":"9205590164917312751089","postage":7.5}');
    const label = boughtLabel(
      WHO,
      labelFacts(readLabelAnswer('application/vnd.usps.labels+json', noImage), 'PDF', 200, 'PDF'),
    );
    expect(label).toMatchObject({
      trackingNumber: '9205590164917312751089',
      price: { amount: '7.50', currency: 'USD' },
      missingDocument: { reason: 'missing' },
    });
  });

  it('an answer without readable metadata is unreadable (never a guess)', () => {
    const empty = new TextEncoder().encode('{"trackingNumber":"1"}');
    expect(() => readLabelAnswer('multipart/form-data; boundary=x', empty)).toThrow(UnreadableBodyError);
    expect(() => readLabelAnswer('text/html', new TextEncoder().encode('<html>'))).toThrow(
      UnreadableBodyError,
    );
  });
});

describe('tracking', () => {
  it('normalises TrackingDetails events, newest first, with statuses and locations', () => {
    const tracking = parseTracking(json('tracking-detail.response.json'), 'usps');
    expect(tracking?.status).toBe('delivered');
    expect(tracking?.trackingNumber).toBe('9261290485210000000000');
    expect(tracking?.events.map((e) => [e.code, e.status])).toEqual([
      ['01', 'delivered'],
      ['OF', 'out_for_delivery'],
      ['07', 'in_transit'],
      ['OA', 'in_transit'],
      ['MA', 'pre_transit'],
    ]);
    expect(tracking?.events[0]).toMatchObject({
      at: '2022-06-17T16:01:00.000Z',
      description: 'Delivered, Front Door/Porch',
      location: { city: 'FAIRFAX', postalCode: '22032', countryCode: 'US' },
    });
  });

  it('reads status categories', () => {
    expect(statusFromText('Pre-Shipment')).toBe('pre_transit');
    expect(statusFromText('Alert')).toBe('exception');
    expect(statusFromText('Out for Delivery')).toBe('out_for_delivery');
    expect(statusFromText('In Transit')).toBe('in_transit');
  });
});

describe('errors', () => {
  it.each([
    ['prices-030001.error.json', 400, '030001', 'rejected', /Could not find zone/],
    [
      'labels-160001.error.json',
      400,
      '160001',
      'rejected',
      /packageDescription.mailingDate: cannot be in the past/,
    ],
    ['labels-cancel-not-found.error.json', 400, '00000XX', 'rejected', /trackingNumber: Order not found/],
    ['labels-refund-not-submitted.error.json', 400, '00000XX', 'rejected', /refund request/],
    ['tracking-150002.error.json', 400, '150002', 'rejected', /tracking number may be incorrect/],
  ])('%s -> code %s, class', (name, status, code, failureClass, message) => {
    const decoded = decodeUspsError(upstream(status, fixture(name)));
    expect(decoded).toMatchObject({ code, failureClass });
    expect(decoded.message).toMatch(message);
    expect(decoded.auth).toBeUndefined();
  });

  it('429 is throttled with Retry-After in seconds or as an HTTP date', () => {
    const body = '{"apiVersion":"/prices/v3","error":{"code":"429","message":"Too Many Requests"}}';
    expect(decodeUspsError(upstream(429, body, { 'retry-after': '30' }))).toMatchObject({
      failureClass: 'throttled',
      retryAfterMs: 30_000,
    });
    const at = new Date(Date.parse('2030-01-01T00:01:00Z')).toUTCString();
    expect(retryAfterMs(new Headers({ 'retry-after': at }), Date.parse('2030-01-01T00:00:00Z'))).toBe(60_000);
  });

  it('401 is token_expired and 403 misconfigured, both auth refusals', () => {
    const body = '{"apiVersion":"/labels/v3","error":{"code":"401","message":"Unauthorized"}}';
    expect(decodeUspsError(upstream(401, body))).toMatchObject({ failureClass: 'token_expired', auth: true });
    expect(decodeUspsError(upstream(403, body.replace(/401/g, '403')))).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
    });
  });

  it("the API gateway's own fault keeps its text and code (USPS/api-examples#22, #18)", () => {
    const access =
      '{"fault":{"faultstring":"Raising fault. Fault name : Raise-Fault-Access-Control","detail":{"errorcode":"steps.raisefault.RaiseFault"}}}';
    expect(decodeUspsError(upstream(403, access))).toMatchObject({
      failureClass: 'misconfigured',
      code: 'steps.raisefault.RaiseFault',
      message: 'Raising fault. Fault name : Raise-Fault-Access-Control',
      auth: true,
    });
    const validation =
      '{"fault":{"faultstring":"OASValidation OpenAPI-Spec-Validation-International-Prices failed","detail":{"errorcode":"steps.oasvalidation.Failed"}}}';
    expect(decodeUspsError(upstream(400, validation))).toMatchObject({
      failureClass: 'rejected',
      code: 'steps.oasvalidation.Failed',
    });
  });

  it('5xx, HTML pages and unreadable bodies are unavailable', () => {
    expect(
      decodeUspsError(
        upstream(503, '{"apiVersion":"/labels/v3","error":{"code":"503","message":"Service Unavailable"}}'),
      ).failureClass,
    ).toBe('unavailable');
    const html = decodeUspsError(
      upstream(502, '<!DOCTYPE html><html></html>', { 'content-type': 'text/html' }),
    );
    expect(html).toMatchObject({ failureClass: 'unavailable', code: 'HTTP_502' });
    expect(decodeUspsError(upstream(400, 'oops', { 'content-type': 'text/plain' })).failureClass).toBe(
      'unavailable',
    );
  });

  it('token endpoint: invalid_client misconfigured, 429 throttled, invalid_grant left to the broker', () => {
    const answer = (status: number, text: string) => ({
      status,
      headers: new Headers({ 'content-type': 'application/json' }),
      text,
      json: JSON.parse(text) as unknown,
    });
    expect(decodeTokenError(answer(401, fixture('oauth-invalid-client.error.json')))).toMatchObject({
      failureClass: 'misconfigured',
      code: 'invalid_client',
    });
    expect(
      decodeTokenError(answer(429, '{"error":{"code":"429","message":"Too Many Requests"}}')),
    ).toMatchObject({
      failureClass: 'throttled',
    });
    expect(decodeTokenError(answer(400, '{"error":"invalid_grant"}'))).toBeUndefined();
    expect(decodeTokenError(answer(200, '{"error":"invalid_client"}'))).toBeUndefined();
  });
});

describe('payment authorization token (derived)', () => {
  it('builds the MinimumPaymentAuthorizationRequest roles from account settings', () => {
    const request = paymentToken.buildRequest({
      primaryToken: 'primary-token',
      settings: { crid: '12345678', mid: '123456', manifestMid: '123456', accountNumber: '1234' },
    });
    expect(request.path).toBe('/payments/v3/payment-authorization');
    expect(request.headers.Authorization).toBe('Bearer primary-token');
    expect(JSON.parse(request.body ?? '')).toEqual(json('payments-authorization.request.json'));
    expect(
      paymentRoles({ crid: '1', mid: '2', accountType: 'PERMIT', accountNumber: '9', permitZip: '12345' })[0],
    ).toMatchObject({
      accountType: 'PERMIT',
      permitNumber: '9',
      permitZIP: '12345',
    });
  });

  it('parses paymentAuthorizationToken with the documented 8-hour lifetime', () => {
    const text = fixture('payments-authorization.response.json');
    const parsed = paymentToken.parse({ status: 200, headers: new Headers(), text, json: JSON.parse(text) });
    expect(parsed).toEqual({ token: 'header.body.signature', expiresInSeconds: 28_800 });
    expect(paymentToken.parse({ status: 200, headers: new Headers(), text: '{}', json: {} })).toBeUndefined();
    expect(paymentToken.header).toBe('X-Payment-Authorization-Token');
  });

  it('payments 400 (160218 role requires CRID) is misconfigured', () => {
    const text =
      '{"apiVersion":"/payments/v3","error":{"code":"400","message":"Bad Request","errors":[{"code":"160218","detail":"PAYER requires CRID"}]}}';
    expect(
      paymentToken.decodeError?.({ status: 400, headers: new Headers(), text, json: JSON.parse(text) }),
    ).toMatchObject({
      failureClass: 'misconfigured',
      code: '160218',
    });
  });
});

describe('definition', () => {
  it('declares hosts, auth methods, derived payment token, limits and routes', () => {
    expect(carrier.hosts.default).toEqual({
      sandbox: 'https://apis-tem.usps.com',
      production: 'https://apis.usps.com',
    });
    expect(carrier.auth.methods.client_credentials).toMatchObject({
      tokenPath: '/oauth2/v3/token',
      clientAuth: 'json',
    });
    expect(carrier.auth.methods.authorization_code).toMatchObject({ rotatesRefreshToken: true });
    expect(carrier.auth.derived?.map((d) => d.name)).toEqual(['payment']);
    expect(carrier.limits.tokenCallsPerHour).toBe(60);
    expect(carrier.servesRoute({ from: 'US', to: 'FR' })).toBe(true);
    expect(carrier.servesRoute({ from: 'FR', to: 'US' })).toBe(false);
  });
});
