/** Real HTTP to the MyDHL simulator: its wire shapes, validation errors, quirks and every fault kind. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.ts';
import { createSimulator, SANDBOX_ACCOUNTS } from '../simulator/index.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { 'dhl-express': createSimulator } });
  base = sandbox.baseUrl('dhl-express');
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await sandbox.control.reset('dhl-express');
});

const [main, numeric] = SANDBOX_ACCOUNTS;
const basic = (a = main!) =>
  `Basic ${Buffer.from(`${a.secrets.username}:${a.secrets.password}`).toString('base64')}`;
const headers = (a = main!) => ({
  authorization: basic(a),
  'x-version': '3.1.0',
  'content-type': 'application/json',
});

const address = (city: string, countryCode: string, postalCode: string) => ({
  postalAddress: { postalCode, cityName: city, countryCode, addressLine1: '1 Main St' },
  contactInformation: { phone: '123', companyName: 'Co', fullName: 'A B' },
});
const shipment = (over: Record<string, unknown> = {}) => ({
  plannedShippingDateAndTime: '2025-03-04T12:00:00 GMT+00:00',
  pickup: { isRequested: false },
  productCode: 'N',
  accounts: [{ typeCode: 'shipper', number: '123456789' }],
  customerDetails: {
    shipperDetails: address('Bonn', 'DE', '53113'),
    receiverDetails: address('Berlin', 'DE', '10115'),
  },
  content: {
    packages: [{ weight: 1 }],
    isCustomsDeclarable: false,
    description: 'x',
    incoterm: 'DAP',
    unitOfMeasurement: 'metric',
  },
  ...over,
});
const post = (path: string, body: unknown, h: Record<string, string> = headers()) =>
  fetch(`${base}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });

describe('requests the real API would refuse', () => {
  it('no or wrong Basic credentials: 401 problem with a Basic challenge', async () => {
    const res = await post('/shipments', shipment(), { 'x-version': '3.1.0' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrong = await post('/shipments', shipment(), {
      ...headers(),
      authorization: `Basic ${Buffer.from(`${main!.secrets.username}:x`).toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
  });

  it('x-version is required', async () => {
    const res = await post('/shipments', shipment(), { authorization: basic() });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/x-version/);
  });

  it('missing required keys: 422 in the spec shape, status as a string', async () => {
    const body = shipment();
    delete (body.customerDetails.shipperDetails.postalAddress as Record<string, unknown>).countryCode;
    const res = await post('/shipments', body);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      instance: '/expressapi/shipments',
      detail: '#/customerDetails/shipperDetails/postalAddress: required key [countryCode] not found',
      title: 'Validation error',
      message: 'Unprocessable Entity',
      status: '422',
    });
  });

  it('998 for a badly formatted timestamp; on /rates the status is a number (recorded quirk)', async () => {
    const res = await post('/shipments', shipment({ plannedShippingDateAndTime: '2025-03-04 12:00' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.detail).toMatch(/^998: ShipTimeStamp is not well formatted/);
    expect(body.status).toBe('400');
    const rates = await post('/rates', {
      customerDetails: {
        shipperDetails: { postalCode: '1', cityName: 'a', countryCode: 'DE' },
        receiverDetails: { postalCode: '1', cityName: 'b', countryCode: 'DE' },
      },
      plannedShippingDateAndTime: 'soon',
      unitOfMeasurement: 'metric',
      isCustomsDeclarable: false,
      packages: [{ weight: 1 }],
    });
    expect((await rates.json()).status).toBe(400);
  });

  it('7008 for a value-added service not available on the route', async () => {
    const res = await post('/shipments', shipment({ valueAddedServices: [{ serviceCode: 'xx' }] }));
    expect((await res.json()).detail).toMatch(
      /^7008: The requested Special Service Code {2}#\/valueAddedServices\/0\/serviceCode 'xx'/,
    );
  });

  it('dutiable without exportDeclaration: 422', async () => {
    const body = shipment({
      productCode: 'P',
      customerDetails: {
        shipperDetails: address('Bonn', 'DE', '53113'),
        receiverDetails: address('Atlanta', 'US', '30301'),
      },
    });
    (body.content as Record<string, unknown>).isCustomsDeclarable = true;
    const res = await post('/shipments', body);
    expect(res.status).toBe(422);
  });

  it('GET /rates names missing query parameters', async () => {
    const res = await fetch(`${base}/rates?accountNumber=123456789`, { headers: headers() });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/Missing mandatory parameter\(s\): originCountryCode/);
  });
});

describe('answers and quirks', () => {
  it('201 with Location, the AWB, piece ids and a base64 PDF label', async () => {
    const res = await post('/shipments', shipment());
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(res.headers.get('location')).toBe(`/shipments/${body.shipmentTrackingNumber}`);
    expect(typeof body.shipmentTrackingNumber).toBe('string');
    expect(body.packages[0].trackingNumber).toMatch(/^JD/);
    expect(body.documents[0]).toMatchObject({ imageFormat: 'PDF', typeCode: 'label' });
    expect(Buffer.from(body.documents[0].content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shipmentTrackingNumber as a JSON number for the numeric account', async () => {
    const res = await post(
      '/shipments',
      shipment({ accounts: [{ typeCode: 'shipper', number: '987654321' }] }),
      headers(numeric),
    );
    expect(typeof (await res.json()).shipmentTrackingNumber).toBe('number');
  });

  it('rates: prices as JSON numbers in three currency types', async () => {
    const res = await fetch(
      `${base}/rates?accountNumber=123456789&originCountryCode=DE&originCityName=Bonn&destinationCountryCode=US&destinationCityName=Atlanta&weight=2&length=10&width=10&height=10&plannedShippingDate=2025-03-04&isCustomsDeclarable=true&unitOfMeasurement=metric`,
      { headers: headers() },
    );
    const body = await res.json();
    expect(body.products[0].totalPrice.map((p: { currencyType: string }) => p.currencyType)).toEqual([
      'BILLC',
      'PULCL',
      'BASEC',
    ]);
    expect(body.products[0].totalPrice[0].price).toBe(75.6);
  });

  it('tracking: 404 and 400 in the spec shapes', async () => {
    const missing = await fetch(`${base}/shipments/1234567890/tracking`, { headers: headers() });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      detail: 'No data found',
      title: 'Not data found',
      status: '404',
    });
    const view = await fetch(`${base}/shipments/1234567890/tracking?trackingView=nope`, {
      headers: headers(),
    });
    expect((await view.json()).title).toBe('Wrong format');
  });
});

describe('injected faults in the MyDHL shape', () => {
  const inject = (kind: string, params = {}) =>
    sandbox.control.injectFault({
      carrier: 'dhl-express',
      target: 'api',
      endpoint: 'label',
      kind: kind as 'throttled',
      params,
      count: 1,
    });

  it('unauthorized, throttled, server_error', async () => {
    await inject('unauthorized');
    expect((await post('/shipments', shipment())).status).toBe(401);
    await inject('throttled', { retryAfter: 11 });
    const t = await post('/shipments', shipment());
    expect([t.status, t.headers.get('retry-after')]).toEqual([429, '11']);
    await inject('server_error', { status: 500 });
    const s = await post('/shipments', shipment());
    const body = await s.json();
    expect(s.status).toBe(500);
    expect(body.code).toBe('500');
    expect(body.status).toBeUndefined();
    expect(body.detail).toMatch(/^999:/);
  });

  it('html_error, malformed_json, slow', async () => {
    await inject('html_error');
    const h = await post('/shipments', shipment());
    expect(h.headers.get('content-type')).toMatch(/text\/html/);
    await inject('malformed_json');
    const m = await post('/shipments', shipment());
    await expect(m.json()).rejects.toThrow();
    await inject('slow', { delayMs: 50 });
    expect((await post('/shipments', shipment())).status).toBe(201);
  });

  it('counts answers per endpoint', async () => {
    await post('/shipments', shipment());
    expect((await sandbox.control.stats('dhl-express')).apiCalls.label).toEqual({ 201: 1 });
  });
});
