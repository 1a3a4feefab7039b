/** Real HTTP to the Parcel DE simulator: ROPC token endpoint, orders, tracking, quirks and faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.ts';
import { createSimulator, SANDBOX_ACCOUNTS } from '../simulator/index.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { 'dhl-parcel-de': createSimulator } });
  base = sandbox.baseUrl('dhl-parcel-de');
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await sandbox.control.reset('dhl-parcel-de');
});

const account = SANDBOX_ACCOUNTS[0]!;
const TOKEN = '/parcel/de/account/auth/ropc/v1/token';
const ORDERS = '/parcel/de/shipping/v2/orders';

function tokenCall(over: Record<string, string> = {}): Promise<Response> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: account.secrets.clientId!,
    client_secret: account.secrets.clientSecret!,
    username: account.secrets.username!,
    password: account.secrets.password!,
    ...over,
  });
  return fetch(`${base}${TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
}
async function bearer(): Promise<string> {
  return `Bearer ${(await (await tokenCall()).json()).access_token}`;
}

const party = (city: string, country: string, postalCode: string) => ({
  name1: 'Maria Musterfrau',
  addressStreet: 'Kurt-Schumacher-Str. 20',
  postalCode,
  city,
  country,
});
const shipmentBody = (over: Record<string, unknown> = {}) => ({
  product: 'V01PAK',
  billingNumber: '33333333330101',
  refNo: 'Order No. 1234',
  shipper: party('Bonn', 'DEU', '53113'),
  consignee: party('Bonn', 'DEU', '53113'),
  details: { weight: { uom: 'g', value: 500 } },
  ...over,
});
async function order(shipments: unknown[], query = '', auth?: string): Promise<Response> {
  return fetch(`${base}${ORDERS}${query}`, {
    method: 'POST',
    headers: { authorization: auth ?? (await bearer()), 'content-type': 'application/json' },
    body: JSON.stringify({ profile: 'STANDARD_GRUPPENPROFIL', shipments }),
  });
}

describe('ROPC token endpoint', () => {
  it('issues opaque 1,799-second bearer tokens without a refresh token', async () => {
    const body = await (await tokenCall()).json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 1799 });
  });
  it('refuses a wrong grant type, client and user', async () => {
    expect(await (await tokenCall({ grant_type: 'client_credentials' })).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const client = await tokenCall({ client_secret: 'x' });
    expect([client.status, (await client.json()).error]).toEqual([401, 'invalid_client']);
    const user = await tokenCall({ password: 'x' });
    expect([user.status, (await user.json()).error]).toEqual([400, 'invalid_grant']);
  });
  it('token faults: every kind answers in its shape', async () => {
    const inject = (kind: string) =>
      sandbox.control.injectFault({
        carrier: 'dhl-parcel-de',
        target: 'token',
        kind: kind as 'throttled',
        count: 1,
      });
    await inject('error_body_200');
    const e = await tokenCall();
    expect([e.status, (await e.json()).error]).toEqual([200, 'invalid_client']);
    await inject('throttled');
    expect((await tokenCall()).status).toBe(429);
    await inject('server_error');
    expect((await tokenCall()).status).toBe(503);
    await inject('html_error');
    expect((await tokenCall()).headers.get('content-type')).toMatch(/text\/html/);
    await inject('no_access_token');
    expect((await (await tokenCall()).json()).access_token).toBeUndefined();
    await inject('expires_in_string');
    expect((await (await tokenCall()).json()).expires_in).toBe('1799');
  });
});

describe('orders', () => {
  it('200 for one shipment: shipmentNo, sstatus (double s), base64 PDF', async () => {
    const res = await order([shipmentBody()]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toMatchObject({
      title: 'OK',
      statusCode: 200,
      detail: '1 of 1 shipment successfully created.',
    });
    expect(body.items[0].sstatus).toMatchObject({ title: 'OK', statusCode: 200 });
    expect(Buffer.from(body.items[0].label.b64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
  it('ZPL2 as text in label.zpl2', async () => {
    const body = await (await order([shipmentBody()], '?docFormat=ZPL2')).json();
    expect(body.items[0].label).toMatchObject({ fileFormat: 'ZPL2' });
    expect(body.items[0].label.zpl2).toMatch(/^\^XA/);
  });
  it('207 multi-status with a failed item', async () => {
    const res = await order([
      shipmentBody(),
      shipmentBody({ details: { weight: { uom: 'kg', value: 40 } } }),
    ]);
    expect(res.status).toBe(207);
    const body = await res.json();
    expect(body.status.detail).toBe('1 of 2 shipments successfully created.');
    expect(body.items[1]).toMatchObject({
      sstatus: { statusCode: 400 },
      validationMessages: [
        {
          property: 'dimension.weight',
          validationMessage: 'The weight is too high',
          validationState: 'Error',
        },
      ],
    });
  });
  it('schema errors (alpha-2 country) reject the request: 400 problem+json with propertyPath', async () => {
    const res = await order([shipmentBody({ consignee: party('Bonn', 'DE', '53113') })]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).items).toContainEqual({
      propertyPath: 'shipments[0].consignee.country',
      message:
        'Parameter country must be a valid country code consisting of three characters according to ISO 3166-1 alpha-3.',
    });
  });
  it('billing number must match the product; not-codeable addresses warn on a 200 or fail with mustEncode', async () => {
    const wrong = await (await order([shipmentBody({ billingNumber: '33333333335301' })])).json();
    expect(wrong.items[0].validationMessages[0].validationMessage).toMatch(
      /does not match the product V01PAK/,
    );
    const warn = await order([shipmentBody({ consignee: party('Bonn', 'DEU', '5311') })]);
    expect(warn.status).toBe(200);
    expect((await warn.json()).items[0].validationMessages[0].validationState).toBe('Warning');
    expect(
      (await order([shipmentBody({ consignee: party('Bonn', 'DEU', '5311') })], '?mustEncode=true')).status,
    ).toBe(400);
  });
  it('validate=true checks without creating', async () => {
    const body = await (await order([shipmentBody()], '?validate=true')).json();
    expect(body.items[0].shipmentNo).toBeUndefined();
    expect((await sandbox.control.stats('dhl-parcel-de')).labelsCreated).toBe(0);
  });
  it('401 {title,statusCode,detail} for a missing or unknown token', async () => {
    const res = await order([shipmentBody()], '', 'Bearer nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      title: 'Unauthorized',
      statusCode: 401,
      detail: 'Unauthorized for given resource.',
    });
  });
  it('api faults: unauthorized, throttled (RequestStatus + Retry-After), server_error, html_error, malformed_json', async () => {
    const auth = await bearer();
    const inject = (kind: string, params = {}) =>
      sandbox.control.injectFault({
        carrier: 'dhl-parcel-de',
        target: 'api',
        endpoint: 'label',
        kind: kind as 'throttled',
        params,
        count: 1,
      });
    await inject('unauthorized');
    expect((await order([shipmentBody()], '', auth)).status).toBe(401);
    await inject('throttled', { retryAfter: 4 });
    const t = await order([shipmentBody()], '', auth);
    expect([t.status, t.headers.get('retry-after'), (await t.json()).statusCode]).toEqual([429, '4', 429]);
    await inject('server_error', { status: 500 });
    const s = await order([shipmentBody()], '', auth);
    expect([s.status, (await s.json()).title]).toEqual([500, 'Internal Server Error']);
    await inject('html_error');
    expect((await order([shipmentBody()], '', auth)).headers.get('content-type')).toMatch(/text\/html/);
    await inject('malformed_json');
    await expect((await order([shipmentBody()], '', auth)).json()).rejects.toThrow();
  });
});

describe('tracking (Unified API, API key)', () => {
  it('tracks a label just created; refuses a bad key; 404 for unknown numbers', async () => {
    const created = await (await order([shipmentBody()])).json();
    const no = created.items[0].shipmentNo;
    const res = await fetch(`${base}/track/shipments?trackingNumber=${no}`, {
      headers: { 'DHL-API-Key': account.secrets.clientId! },
    });
    const body = await res.json();
    expect(body.shipments[0]).toMatchObject({
      id: no,
      service: 'parcel-de',
      status: { statusCode: 'pre-transit' },
    });
    expect(
      (await fetch(`${base}/track/shipments?trackingNumber=${no}`, { headers: { 'DHL-API-Key': 'wrong' } }))
        .status,
    ).toBe(401);
    const missing = await fetch(`${base}/track/shipments?trackingNumber=1`, {
      headers: { 'DHL-API-Key': account.secrets.clientId! },
    });
    expect([missing.status, (await missing.json()).title]).toEqual([404, 'No result found']);
  });
});
