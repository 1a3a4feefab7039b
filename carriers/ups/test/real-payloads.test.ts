/**
 * The UPS answers real traffic sends and the first mapping lost: named tests for each gap
 * (issue 16). Pure functions over fixture-shaped bodies; the HTTP paths are in e2e and the
 * contract suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { type ScriptedProxy, startProxy } from '../../../test/contract/support/proxy.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { decodeApiError } from '../mapping/errors.ts';
import { parseShipResponse } from '../mapping/labels.ts';
import { candidateServices, keepAskedLevels, parseRateResponse } from '../mapping/rates.ts';
import { serviceByCode, servicesForRoute } from '../services.ts';
import { createSimulator } from '../simulator/index.ts';
import { answer, fixture } from './fixture.ts';

const WHO = { carrier: 'ups', account: { id: 'test', environment: 'sandbox' as const, settings: {} } };
// biome-ignore lint/suspicious/noExplicitAny: test bodies are edited freely
type Json = Record<string, any>;

const clone = (name: string): Json => structuredClone(fixture(name)) as Json;

const rated = (code: string, amount: string, currency = 'CAD') => ({
  Service: { Code: code, Description: '' },
  TransportationCharges: { CurrencyCode: currency, MonetaryValue: amount },
  TotalCharges: { CurrencyCode: currency, MonetaryValue: amount },
});

describe('UPS: a null optional object no longer loses the answer', () => {
  it('ItemizedCharges: null (and other optional nulls) keep every rate and its exact price', () => {
    const body = clone('rate-response.shop.json');
    for (const r of body.RateResponse.RatedShipment) {
      r.ItemizedCharges = null;
      r.NegotiatedRateCharges = null;
      r.GuaranteedDelivery = null;
      r.RatedShipmentAlert = null;
    }
    body.RateResponse.Response.Alert = null;
    const rates = parseRateResponse(body);
    expect(rates.map((r) => r.service.code).sort()).toEqual(['01', '02', '03', '12', '13', '14', '59']);
    expect(rates.find((r) => r.service.code === '14')?.total).toEqual({ amount: '117.15', currency: 'USD' });
  });

  it('a rate whose total is unreadable costs that rate only, with a warning on the others', () => {
    const body = clone('rate-response.shop.json');
    body.RateResponse.RatedShipment[0].TotalCharges.MonetaryValue = 'twenty';
    const rates = parseRateResponse(body);
    expect(rates).toHaveLength(6);
    expect(rates[0]?.warnings?.some((w) => /RatedShipment\[0\]/.test(w))).toBe(true);
  });
});

describe('UPS: service codes are read with the table of the origin', () => {
  it('a Canadian shop answer keeps every Canadian service, with its Canadian name', () => {
    const body = {
      RateResponse: {
        Response: { ResponseStatus: { Code: '1', Description: 'Success' } },
        RatedShipment: [
          rated('01', '48.10'),
          rated('02', '22.35'),
          rated('11', '14.20'),
          rated('12', '18.00'),
          rated('13', '41.75'),
          rated('14', '88.40'),
          rated('70', '12.05'),
        ],
      },
    };
    const rates = parseRateResponse(body, 'CA');
    const byCode = Object.fromEntries(rates.map((r) => [r.service.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(['01', '02', '11', '12', '13', '14', '70']);
    expect(byCode['13']?.service).toEqual({ code: '13', name: 'UPS Express Saver', level: 'overnight' });
    expect(byCode['01']?.service.name).toBe('UPS Express');
    expect(byCode['11']?.total).toEqual({ amount: '14.20', currency: 'CAD' });
    for (const r of rates) expect(r.warnings ?? []).toEqual([]);
    // The same code from the US is another service.
    expect(
      parseRateResponse({ RateResponse: { RatedShipment: rated('13', '41.75', 'USD') } })[0]?.service,
    ).toEqual({
      code: '13',
      name: 'UPS Next Day Air Saver',
      level: 'overnight',
    });
  });

  it('65 is Worldwide Saver from the US, Express Saver from Canada and the EU; 01 does not exist from the EU', () => {
    expect(serviceByCode('65', 'US')?.name).toBe('UPS Worldwide Saver');
    expect(serviceByCode('65', 'CA')?.name).toBe('UPS Express Saver');
    expect(serviceByCode('65', 'DE')?.name).toBe('UPS Express Saver');
    expect(serviceByCode('65', 'JP')?.name).toBe('UPS Saver');
    expect(serviceByCode('01', 'FR')).toBeUndefined();
    expect(servicesForRoute({ from: 'DE', to: 'DE' }).map((s) => s.code)).toContain('11');
  });

  it('a Canada-to-US shop keeps Express Early (14): it serves Canada and the 48 contiguous states', () => {
    const body = {
      RateResponse: {
        RatedShipment: [
          rated('07', '97.66'),
          rated('14', '66.23'),
          rated('65', '59.02'),
          rated('12', '30.11'),
        ],
      },
    };
    const request = {
      shipper: { lines: ['1 Rue'], city: 'Montreal', countryCode: 'CA' },
      recipient: { lines: ['1 Strip'], city: 'Las Vegas', countryCode: 'US' },
    };
    const all = keepAskedLevels(parseRateResponse(body, 'CA'), request);
    expect(all.find((r) => r.service.code === '14')).toMatchObject({
      service: { code: '14', name: 'UPS Express Early', level: 'overnight' },
      total: { amount: '66.23', currency: 'CAD' },
    });
    expect(candidateServices(request).map((s) => s.code)).toContain('14');
    // Levels asked for still filter: 14 is overnight, 65 is express.
    const overnight = keepAskedLevels(all, { ...request, services: ['overnight'] });
    expect(overnight.map((r) => r.service.code)).toEqual(['14']);
  });

  it('candidates for a Canadian domestic quote come from the Canadian table', () => {
    const codes = candidateServices({
      shipper: { lines: ['1 Front St'], city: 'Toronto', countryCode: 'CA' },
      recipient: { lines: ['1 Rue'], city: 'Montreal', countryCode: 'CA' },
    }).map((s) => s.code);
    expect(codes.sort()).toEqual(['01', '02', '11', '12', '13', '14', '70']);
  });

  it('a code no table knows is kept as UPS named it, with a warning', () => {
    const body = {
      RateResponse: {
        RatedShipment: [
          {
            ...rated('96', '310.00', 'USD'),
            Service: { Code: '96', Description: 'UPS Worldwide Express Freight' },
          },
        ],
      },
    };
    const [rate] = parseRateResponse(body);
    expect(rate?.service).toEqual({ code: '96', name: 'UPS Worldwide Express Freight', level: 'express' });
    expect(rate?.total).toEqual({ amount: '310.00', currency: 'USD' });
    expect(rate?.warnings?.[0]).toMatch(/'96' is not in the gateway's UPS US-origin table/);
  });
});

describe('UPS: a ship answer without a label image keeps the shipment', () => {
  it('keeps the tracking number and the price, and says the document is missing', () => {
    const body = clone('ship-response.single-package.json');
    delete body.ShipmentResponse.ShipmentResults.PackageResults.ShippingLabel;
    const label = boughtLabel(WHO, parseShipResponse(body, 'GIF'));
    expect(label.trackingNumber).toBe('1ZWA82900123277535');
    expect(label.price).toEqual({ amount: '198.42', currency: 'USD' });
    expect(label.document).toBeUndefined();
    expect(label.missingDocument).toEqual({
      reason: 'missing',
      detail: 'the answer holds no label document',
    });
  });

  it('an image that is not base64 is reported unreadable, the shipment kept', () => {
    const body = clone('ship-response.single-package.json');
    body.ShipmentResponse.ShipmentResults.PackageResults.ShippingLabel.GraphicImage = 'R0lGODlhAQAB*';
    const label = boughtLabel(WHO, parseShipResponse(body, 'GIF'));
    expect(label.trackingNumber).toBe('1ZWA82900123277535');
    expect(label.missingDocument?.reason).toBe('unreadable');
  });

  it('reports the label format as returned', () => {
    const body = clone('ship-response.single-package.json');
    const label = boughtLabel(WHO, parseShipResponse(body, 'PNG'));
    expect(label.format).toBe('GIF');
    expect(label.mediaType).toBe('image/gif');
    expect(label.warnings).toContain('asked for PNG, the carrier returned GIF');
  });
});

describe('UPS 250003 (invalid access license)', () => {
  it('is a misconfiguration, on a 401 as well as on a 400', () => {
    const body = { response: { errors: [{ code: '250003', message: 'Invalid Access License number' }] } };
    for (const status of [400, 401, 403]) {
      expect(decodeApiError(answer(status, body))).toMatchObject({
        failureClass: 'misconfigured',
        code: '250003',
        message: 'Invalid Access License number',
        auth: true,
      });
    }
    expect(decodeApiError(answer(401, fixture('error.legacy-fault.json')))).toMatchObject({
      failureClass: 'misconfigured',
      code: '250003',
    });
  });
});

describe('UPS 250003 over HTTP', () => {
  let h: CarrierHarness;
  let proxy: ScriptedProxy;
  beforeAll(async () => {
    h = await startCarrierHarness(carrier, createSimulator);
    proxy = await startProxy();
    proxy.target(new URL(h.simulatorUrl).origin);
    const base = h.accounts[0]!;
    const baseUrls = Object.fromEntries(Object.keys(base.baseUrls).map((k) => [k, `${proxy.url}/ups`]));
    h.accounts.push({ ...base, id: 'via-proxy', baseUrls });
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  it('a Canadian shop answer over HTTP keeps every Canadian service with its Canadian name', async () => {
    const toronto = {
      lines: ['100 King St W'],
      city: 'Toronto',
      stateCode: 'ON',
      postalCode: 'M5X 1A9',
      countryCode: 'CA',
    };
    const ottawa = {
      lines: ['111 Wellington St'],
      city: 'Ottawa',
      stateCode: 'ON',
      postalCode: 'K1A 0A9',
      countryCode: 'CA',
    };
    const rates = await carrier.rate(h.context(), {
      shipper: toronto,
      recipient: ottawa,
      parcels: [{ weight: { value: 2, unit: 'kg' } }],
    });
    const byCode = Object.fromEntries(rates.map((r) => [r.service.code, r.service]));
    expect(Object.keys(byCode).sort()).toEqual(['01', '02', '11', '12', '13', '14', '70']);
    expect(byCode['13']).toEqual({ code: '13', name: 'UPS Express Saver', level: 'overnight' });
    expect(rates.every((r) => r.total.currency === 'CAD')).toBe(true);
  });

  it('a 401 with 250003 is misconfigured and costs no refresh', async () => {
    const license = { response: { errors: [{ code: '250003', message: 'Invalid Access License number' }] } };
    proxy.script({
      carrier: 'ups',
      method: 'POST',
      path: /^\/api\/rating\//,
      count: 5,
      edit: () => ({
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode(JSON.stringify(license)),
      }),
    });
    const request = {
      shipper: {
        lines: ['1 Main St'],
        city: 'Atlanta',
        stateCode: 'GA',
        postalCode: '30301',
        countryCode: 'US',
      },
      recipient: {
        lines: ['350 5th Ave'],
        city: 'New York',
        stateCode: 'NY',
        postalCode: '10118',
        countryCode: 'US',
      },
      parcels: [{ weight: { value: 1, unit: 'kg' as const } }],
    };
    const tokens = async () => (await h.control.stats('ups')).tokenCalls['ups-sandbox'] ?? 0;
    const before = await tokens();
    const error = await carrier.rate(h.context('via-proxy'), request).catch((e: unknown) => e);
    expect(error).toMatchObject({ failureClass: 'misconfigured', code: '250003', auth: true, status: 401 });
    // One token for the call, none for a refresh a fresh token could not make succeed.
    expect((await tokens()) - before).toBe(1);
  });
});
