/**
 * The UPS twin over real HTTP: its quirks (string token fields, rotating refresh tokens,
 * object-vs-array collapse), request validation in UPS's error shape, and every injected
 * fault kind rendered the way UPS would answer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { createSimulator } from '../simulator/index.ts';
import { isUpsTrackingNumber } from '../simulator/tracking-number.ts';

let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { ups: createSimulator } });
  base = sandbox.baseUrl('ups');
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.clearFaults('ups');
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const SANDBOX = basic('ups-sandbox-client', 'ups-sandbox-secret');
const CONNECTED = basic('ups-connected-client', 'ups-connected-secret');
const form = 'application/x-www-form-urlencoded';

type Json = Record<string, unknown>;
async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: Json | undefined }> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: Json | undefined;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const token = async (auth = SANDBOX) => {
  const res = await send('/security/v1/oauth/token', {
    headers: { authorization: auth, 'content-type': form },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return String(res.json?.access_token);
};

/** A parsed body, or {} when there was none. */
const obj = (json: Json | undefined): Json => json ?? {};

const upsErrors = (json: Json | undefined) =>
  (obj(json).response as { errors: { code: string; message: string }[] }).errors;

const api = async (path: string, body: unknown, bearer?: string, method = 'POST') =>
  send(path, {
    method,
    headers: {
      authorization: `Bearer ${bearer ?? (await token())}`,
      'content-type': 'application/json',
      transId: 'test0001',
      transactionSrc: 'testing',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const address = (city: string, postal: string, country = 'US', state?: string) => ({
  AddressLine: ['1 Main St'],
  City: city,
  ...(state ? { StateProvinceCode: state } : {}),
  PostalCode: postal,
  CountryCode: country,
});

const ratePackage = (lbs: string) => ({
  PackagingType: { Code: '02' },
  Dimensions: { UnitOfMeasurement: { Code: 'IN' }, Length: '10', Width: '8', Height: '6' },
  PackageWeight: { UnitOfMeasurement: { Code: 'LBS' }, Weight: lbs },
});

const rateBody = (opts: { service?: string; packages?: unknown[]; to?: Json; account?: string } = {}) => ({
  RateRequest: {
    Request: { TransactionReference: { CustomerContext: 'sim-test' } },
    Shipment: {
      Shipper: {
        Name: 'Shipper',
        ShipperNumber: 'A1B2C3',
        Address: address('Timonium', '21093', 'US', 'MD'),
      },
      ShipTo: { Name: 'Recipient', Address: opts.to ?? address('Alpharetta', '30005', 'US', 'GA') },
      ShipFrom: { Name: 'Shipper', Address: address('Timonium', '21093', 'US', 'MD') },
      PaymentDetails: {
        ShipmentCharge: [{ Type: '01', BillShipper: { AccountNumber: opts.account ?? 'A1B2C3' } }],
      },
      ...(opts.service ? { Service: { Code: opts.service } } : {}),
      NumOfPieces: String(opts.packages?.length ?? 1),
      Package: opts.packages ?? [ratePackage('2')],
    },
  },
});

const shipBody = (opts: { format?: string; packages?: number; shipper?: string; stock?: boolean } = {}) => ({
  ShipmentRequest: {
    Request: { RequestOption: 'nonvalidate', TransactionReference: { CustomerContext: 'order-1' } },
    Shipment: {
      Description: 'Goods',
      Shipper: {
        Name: 'Shipper',
        ShipperNumber: opts.shipper ?? 'A1B2C3',
        Address: address('Timonium', '21093', 'US', 'MD'),
      },
      ShipTo: { Name: 'Recipient', Address: address('Alpharetta', '30005', 'US', 'GA') },
      PaymentInformation: {
        ShipmentCharge: { Type: '01', BillShipper: { AccountNumber: opts.shipper ?? 'A1B2C3' } },
      },
      Service: { Code: '03' },
      Package:
        (opts.packages ?? 1) === 1
          ? { Packaging: { Code: '02' }, PackageWeight: { UnitOfMeasurement: { Code: 'LBS' }, Weight: '3' } }
          : Array.from({ length: opts.packages ?? 1 }, () => ({
              Packaging: { Code: '02' },
              PackageWeight: { UnitOfMeasurement: { Code: 'LBS' }, Weight: '3' },
            })),
    },
    LabelSpecification: {
      LabelImageFormat: { Code: opts.format ?? 'GIF' },
      HTTPUserAgent: 'Mozilla/4.5',
      ...((opts.stock ?? opts.format === 'ZPL') ? { LabelStockSize: { Height: '6', Width: '4' } } : {}),
    },
  },
});

const inject = (spec: Omit<FaultSpec, 'carrier'>) =>
  sandbox.control.injectFault({ carrier: 'ups', count: 1, ...spec });

describe('OAuth client credentials', () => {
  it('answers every token field as a string, without a refresh token', async () => {
    const res = await send('/security/v1/oauth/token', {
      headers: { authorization: SANDBOX, 'content-type': form },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    const body = res.json ?? {};
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '14399',
      status: 'approved',
      refresh_count: '0',
    });
    expect(String(body.issued_at)).toMatch(/^\d{13}$/);
    expect(body.client_id).toBe('ups-sandbox-client');
    expect(body.refresh_token).toBeUndefined();
  });

  it('refuses wrong client credentials with 250002', async () => {
    const res = await send('/security/v1/oauth/token', {
      headers: { authorization: basic('ups-sandbox-client', 'wrong'), 'content-type': form },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(upsErrors(res.json)).toEqual([{ code: '250002', message: 'Invalid Authentication Information' }]);
  });

  it('validates grant_type and the form encoding', async () => {
    const missing = await send('/security/v1/oauth/token', {
      headers: { authorization: SANDBOX, 'content-type': form },
      body: '',
    });
    expect(missing.status).toBe(400);
    expect(upsErrors(missing.json)[0]).toMatchObject({ code: '10002' });
    const asJson = await send('/security/v1/oauth/token', {
      headers: { authorization: SANDBOX, 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(asJson.status).toBe(400);
  });
});

describe('OAuth authorization code with PKCE and rotating refresh tokens', () => {
  const redirect = 'https://shop.example/callback';
  const connect = async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      client_id: 'ups-connected-client',
      redirect_uri: redirect,
      response_type: 'code',
      state: 'xyz',
      code_challenge: challenge,
    });
    const auth = await send(`/security/v1/oauth/authorize?${q}`, { method: 'GET' });
    expect(auth.status).toBe(302);
    const location = new URL(auth.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('xyz');
    return { code: location.searchParams.get('code') ?? '', verifier };
  };

  it('exchanges a code with client_id and code_verifier and no Basic header', async () => {
    const { code, verifier } = await connect();
    const wrong = await send('/security/v1/oauth/token', {
      headers: { 'content-type': form },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirect,
        client_id: 'ups-connected-client',
        code_verifier: `${verifier}x`,
      }).toString(),
    });
    expect(wrong.status).toBe(401);
    expect(upsErrors(wrong.json)[0]?.code).toBe('250002');

    const again = await connect();
    const res = await send('/security/v1/oauth/token', {
      headers: { 'content-type': form },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: again.code,
        redirect_uri: redirect,
        client_id: 'ups-connected-client',
        code_verifier: again.verifier,
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      refresh_token_expires_in: '5183999',
      refresh_token_status: 'approved',
      expires_in: '14399',
      status: 'approved',
    });
    expect(typeof res.json?.refresh_token).toBe('string');
  });

  it('returns a NEW refresh token on every refresh; a spent one is refused and counted', async () => {
    const first = sandbox.accounts('ups').find((a) => a.id === 'ups-connected')?.secrets.refreshToken ?? '';
    const refresh = (rt: string) =>
      send('/security/v1/oauth/refresh', {
        headers: { authorization: CONNECTED, 'content-type': form },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt }).toString(),
      });
    const one = await refresh(first);
    expect(one.status).toBe(200);
    const second = String(one.json?.refresh_token);
    expect(second).not.toBe(first);
    expect(one.json).toMatchObject({ refresh_count: '1', refresh_token_expires_in: '5183999' });
    const two = await refresh(second);
    expect(two.status).toBe(200);
    expect(String(two.json?.refresh_token)).not.toBe(second);

    const reused = await refresh(first);
    expect(reused.status).toBe(401);
    expect(upsErrors(reused.json)).toEqual([{ code: '250002', message: 'Invalid Refresh Token' }]);
    const stats = await sandbox.control.stats('ups');
    expect(stats.refreshTokenReuse['ups-connected']).toBeGreaterThanOrEqual(1);
  });
});

describe('rating', () => {
  it('answers RatedShipment as an OBJECT for Rate', async () => {
    const res = await api('/api/rating/v2409/Rate', rateBody({ service: '03' }));
    expect(res.status).toBe(200);
    const rated = (obj(res.json).RateResponse as Json).RatedShipment as Json;
    expect(Array.isArray(rated)).toBe(false);
    expect(rated.Service).toEqual({ Code: '03', Description: '' });
    expect((rated.TotalCharges as Json).MonetaryValue).toMatch(/^\d+\.\d{2}$/);
    expect((rated.TotalCharges as Json).CurrencyCode).toBe('USD');
    // One package: RatedPackage and its ItemizedCharges collapse to objects too.
    expect(Array.isArray(rated.RatedPackage)).toBe(false);
    expect(Array.isArray((rated.RatedPackage as Json).ItemizedCharges)).toBe(false);
  });

  it('answers RatedShipment as an ARRAY for Shop, with the domestic services', async () => {
    const res = await api(
      '/api/rating/v2409/Shop',
      rateBody({ packages: [ratePackage('2'), ratePackage('5')] }),
    );
    expect(res.status).toBe(200);
    const rated = (obj(res.json).RateResponse as Json).RatedShipment as Json[];
    expect(Array.isArray(rated)).toBe(true);
    expect(rated.map((r) => (r.Service as Json).Code).sort()).toEqual([
      '01',
      '02',
      '03',
      '12',
      '13',
      '14',
      '59',
    ]);
    // Two packages: RatedPackage is an array.
    expect(Array.isArray(rated[0]?.RatedPackage)).toBe(true);
  });

  it('prices deterministically, more for heavier parcels and faster services', async () => {
    const price = async (service: string, lbs: string) => {
      const res = await api('/api/rating/v2409/Rate', rateBody({ service, packages: [ratePackage(lbs)] }));
      return Number(
        ((obj(res.json).RateResponse as Json).RatedShipment as { TotalCharges: Json }).TotalCharges
          .MonetaryValue,
      );
    };
    expect(await price('03', '2')).toBe(await price('03', '2'));
    expect(await price('03', '20')).toBeGreaterThan(await price('03', '2'));
    expect(await price('01', '2')).toBeGreaterThan(await price('03', '2'));
  });

  it('offers international services across borders, in the origin currency', async () => {
    const res = await api('/api/rating/v2409/Shop', rateBody({ to: address('Paris', '75001', 'FR') }));
    const rated = (obj(res.json).RateResponse as Json).RatedShipment as Json[];
    expect(rated.map((r) => (r.Service as Json).Code).sort()).toEqual(['07', '08', '11', '54', '65']);
  });

  it('validates the request in the UPS error shape', async () => {
    const noCity = rateBody({ service: '03' });
    delete (noCity.RateRequest.Shipment.ShipTo.Address as Json).City;
    const a = await api('/api/rating/v2409/Rate', noCity);
    expect(a.status).toBe(400);
    expect(upsErrors(a.json)).toEqual([
      { code: '10002', message: 'Missing or invalid RateRequest/Shipment/ShipTo/Address/City' },
    ]);

    const b = await api('/api/rating/v2409/Rate', rateBody({ service: '03', account: 'ZZZZZZ' }));
    expect(upsErrors(b.json)[0]?.code).toBe('111600');
    const c = await api('/api/rating/v2409/Rate', rateBody({}));
    expect(upsErrors(c.json)[0]?.message).toBe('Missing or invalid Shipment/Service/Code');
    const d = await api('/api/rating/v2409/Rate', rateBody({ service: '07' }));
    expect(upsErrors(d.json)[0]?.code).toBe('111210');
    const e = await send('/api/rating/v2409/Rate', {
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: '{"RateRequest":',
    });
    expect(e.status).toBe(400);
    expect(upsErrors(e.json)[0]?.code).toBe('10001');
    const f = await api('/api/rating/v2409/Rate', rateBody({ service: '03' }), 'not-a-token');
    expect(f.status).toBe(401);
    expect(upsErrors(f.json)[0]?.code).toBe('250002');
  });
});

describe('shipping and tracking', () => {
  it('answers PackageResults as an OBJECT for one package, with a real GIF label', async () => {
    const res = await api('/api/shipments/v2409/ship', shipBody());
    expect(res.status).toBe(200);
    const results = (obj(res.json).ShipmentResponse as Json).ShipmentResults as Json;
    const pkg = results.PackageResults as Json;
    expect(Array.isArray(pkg)).toBe(false);
    expect(isUpsTrackingNumber(String(pkg.TrackingNumber))).toBe(true);
    expect(results.ShipmentIdentificationNumber).toBe(pkg.TrackingNumber);
    const label = pkg.ShippingLabel as { ImageFormat: Json; GraphicImage: string; HTMLImage?: string };
    expect(label.ImageFormat.Code).toBe('GIF');
    expect(Buffer.from(label.GraphicImage, 'base64').subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(label.HTMLImage).toBeDefined();
  });

  it('answers PackageResults as an ARRAY for several packages', async () => {
    const res = await api('/api/shipments/v2409/ship', shipBody({ packages: 3 }));
    const pkgs = ((obj(res.json).ShipmentResponse as Json).ShipmentResults as Json).PackageResults as Json[];
    expect(Array.isArray(pkgs)).toBe(true);
    expect(new Set(pkgs.map((p) => p.TrackingNumber)).size).toBe(3);
  });

  it('produces ZPL text and PNG images, and refuses PDF', async () => {
    const zpl = await api('/api/shipments/v2409/ship', shipBody({ format: 'ZPL' }));
    const zplPkg = ((obj(zpl.json).ShipmentResponse as Json).ShipmentResults as Json).PackageResults as Json;
    expect(Buffer.from(String((zplPkg.ShippingLabel as Json).GraphicImage), 'base64').toString()).toMatch(
      /^\^XA/,
    );
    const png = await api('/api/shipments/v2409/ship', shipBody({ format: 'png' }));
    const pngPkg = ((obj(png.json).ShipmentResponse as Json).ShipmentResults as Json).PackageResults as Json;
    expect(
      Buffer.from(String((pngPkg.ShippingLabel as Json).GraphicImage), 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const pdf = await api('/api/shipments/v2409/ship', shipBody({ format: 'PDF' }));
    expect(pdf.status).toBe(400);
    expect(upsErrors(pdf.json)[0]?.message).toBe(
      'Missing or invalid LabelSpecification/LabelImageFormat/Code',
    );
    const noStock = await api('/api/shipments/v2409/ship', shipBody({ format: 'ZPL', stock: false }));
    expect(upsErrors(noStock.json)[0]?.message).toBe('Missing or invalid LabelSpecification/LabelStockSize');
  });

  it('refuses a shipper number that is not the account’s with 120100', async () => {
    const res = await api('/api/shipments/v2409/ship', shipBody({ shipper: 'XXXXXX' }));
    expect(res.status).toBe(400);
    expect(upsErrors(res.json)).toEqual([{ code: '120100', message: 'Missing or invalid shipper number' }]);
  });

  it('tracks a label just bought; unknown numbers are 200 + TW0001, malformed ones 400 TV1002', async () => {
    const bought = await api('/api/shipments/v2409/ship', shipBody());
    const number = String(
      (((obj(bought.json).ShipmentResponse as Json).ShipmentResults as Json).PackageResults as Json)
        .TrackingNumber,
    );
    const t = await api(`/api/track/v1/details/${number}`, undefined, undefined, 'GET');
    expect(t.status).toBe(200);
    const pkg = ((obj(t.json).trackResponse as Json).shipment as Json[])[0]?.package as Json[];
    expect(pkg[0]?.trackingNumber).toBe(number);
    expect((pkg[0]?.activity as Json[] | undefined)?.[0]).toMatchObject({
      status: { type: 'M', code: 'MP' },
    });

    const unknown = await api('/api/track/v1/details/1Z0000000000000000', undefined, undefined, 'GET');
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({
      trackResponse: {
        shipment: [
          {
            inquiryNumber: '1Z0000000000000000',
            warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }],
          },
        ],
      },
    });
    const bad = await api('/api/track/v1/details/12', undefined, undefined, 'GET');
    expect(bad.status).toBe(400);
    expect(upsErrors(bad.json)).toEqual([{ code: 'TV1002', message: 'Invalid inquiry number' }]);
  });
});

describe('injected token faults in the UPS shape', () => {
  const tokenCall = () =>
    send('/security/v1/oauth/token', {
      headers: { authorization: SANDBOX, 'content-type': form },
      body: 'grant_type=client_credentials',
    });

  it('invalid_client, invalid_scope -> 401 250002; unsupported_grant_type -> 400', async () => {
    for (const kind of ['invalid_client', 'invalid_scope'] as const) {
      await inject({ target: 'token', kind });
      const res = await tokenCall();
      expect(res.status).toBe(401);
      expect(upsErrors(res.json)[0]?.code).toBe('250002');
    }
    await inject({ target: 'token', kind: 'unsupported_grant_type' });
    const res = await tokenCall();
    expect(res.status).toBe(400);
    expect(upsErrors(res.json)[0]?.code).toBe('10002');
  });

  it('invalid_grant on refresh -> 401 Invalid Refresh Token', async () => {
    await inject({ target: 'token', endpoint: 'refresh', kind: 'invalid_grant' });
    const res = await send('/security/v1/oauth/refresh', {
      headers: { authorization: CONNECTED, 'content-type': form },
      body: 'grant_type=refresh_token&refresh_token=whatever',
    });
    expect(res.status).toBe(401);
    expect(upsErrors(res.json)).toEqual([{ code: '250002', message: 'Invalid Refresh Token' }]);
  });

  it('throttled -> 429 10429 with Retry-After; server_error -> 5xx UPS body; error_body_200', async () => {
    await inject({ target: 'token', kind: 'throttled', params: { retryAfter: 12 } });
    const t = await tokenCall();
    expect(t.status).toBe(429);
    expect(t.headers.get('retry-after')).toBe('12');
    expect(upsErrors(t.json)[0]).toEqual({ code: '10429', message: 'Too Many Requests' });

    await inject({ target: 'token', kind: 'server_error', params: { status: 502 } });
    const s = await tokenCall();
    expect(s.status).toBe(502);
    expect(upsErrors(s.json)[0]?.code).toBe('502');

    await inject({ target: 'token', kind: 'error_body_200' });
    const e = await tokenCall();
    expect(e.status).toBe(200);
    expect(e.json?.access_token).toBeUndefined();
    expect(upsErrors(e.json)[0]?.code).toBe('250002');
  });

  it('generic kinds: html_error, malformed_json, json_as_text, slow', async () => {
    await inject({ target: 'token', kind: 'html_error' });
    const h = await tokenCall();
    expect(h.status).toBe(503);
    expect(h.headers.get('content-type')).toMatch(/text\/html/);
    await inject({ target: 'token', kind: 'malformed_json' });
    const m = await tokenCall();
    expect(m.status).toBe(200);
    expect(m.json).toBeUndefined();
    await inject({ target: 'token', kind: 'json_as_text' });
    const j = await tokenCall();
    expect(j.headers.get('content-type')).toMatch(/text\/plain/);
    await inject({ target: 'token', kind: 'slow', params: { delayMs: 50 } });
    expect((await tokenCall()).status).toBe(200);
  });

  it('payload kinds bend the UPS body: no_access_token, missing_expires_in, expires_in_zero, expires_in_string', async () => {
    await inject({ target: 'token', kind: 'no_access_token' });
    const a = await tokenCall();
    expect(a.status).toBe(200);
    expect(a.json?.access_token).toBeUndefined();
    expect(a.json?.status).toBe('approved');
    await inject({ target: 'token', kind: 'missing_expires_in' });
    expect((await tokenCall()).json?.expires_in).toBeUndefined();
    await inject({ target: 'token', kind: 'expires_in_zero' });
    expect((await tokenCall()).json?.expires_in).toBe('0');
    await inject({ target: 'token', kind: 'expires_in_string' });
    expect((await tokenCall()).json?.expires_in).toBe('14399');
  });

  it('short_lifetime: the token claims 14399 s but is already refused', async () => {
    await inject({ target: 'token', kind: 'short_lifetime', params: { lifetimeSeconds: 0 } });
    const t = await tokenCall();
    expect(t.json?.expires_in).toBe('14399');
    const res = await api(
      '/api/rating/v2409/Rate',
      rateBody({ service: '03' }),
      String(t.json?.access_token),
    );
    expect(res.status).toBe(401);
    expect(upsErrors(res.json)[0]?.code).toBe('250002');
  });

  it('hang: the token endpoint never answers until the client gives up', async () => {
    await inject({ target: 'token', kind: 'hang' });
    await expect(
      fetch(`${base}/security/v1/oauth/token`, {
        method: 'POST',
        headers: { authorization: SANDBOX, 'content-type': form },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
  });
});

describe('injected API faults in the UPS shape on rate, label and track', () => {
  const calls = {
    rate: () => api('/api/rating/v2409/Rate', rateBody({ service: '03' })),
    label: () => api('/api/shipments/v2409/ship', shipBody()),
    track: () => api('/api/track/v1/details/1Z0000000000000000', undefined, undefined, 'GET'),
  };

  for (const [endpoint, call] of Object.entries(calls)) {
    it(`${endpoint}: unauthorized, throttled, server_error, html_error, malformed_json, slow`, async () => {
      await inject({ target: 'api', endpoint, kind: 'unauthorized' });
      const u = await call();
      expect(u.status).toBe(401);
      expect(upsErrors(u.json)[0]).toEqual({ code: '250002', message: 'Invalid Authentication Information' });

      await inject({ target: 'api', endpoint, kind: 'throttled', params: { retryAfter: 3 } });
      const t = await call();
      expect(t.status).toBe(429);
      expect(t.headers.get('retry-after')).toBe('3');
      expect(upsErrors(t.json)[0]?.code).toBe('10429');

      await inject({ target: 'api', endpoint, kind: 'server_error', params: { status: 500 } });
      const s = await call();
      expect(s.status).toBe(500);
      expect(upsErrors(s.json)[0]?.code).toBe('500');

      await inject({ target: 'api', endpoint, kind: 'html_error' });
      const h = await call();
      expect(h.status).toBe(503);
      expect(h.text).toMatch(/<html>/i);

      await inject({ target: 'api', endpoint, kind: 'malformed_json' });
      const m = await call();
      expect(m.status).toBe(200);
      expect(m.json).toBeUndefined();

      await inject({ target: 'api', endpoint, kind: 'slow', params: { delayMs: 50 } });
      expect((await call()).status).toBe(200);
    });
  }

  it('hang on rate, and hang_after_processing / reset_after_processing on label (the label IS created)', async () => {
    const bearer = await token();
    const raw = (path: string, body: unknown, ms: number) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ms),
      }).then((r) => r.text());

    await inject({ target: 'api', endpoint: 'rate', kind: 'hang' });
    await expect(raw('/api/rating/v2409/Rate', rateBody({ service: '03' }), 300)).rejects.toThrow();

    const before = (await sandbox.control.stats('ups')).labelsCreated;
    await inject({ target: 'api', endpoint: 'label', kind: 'hang_after_processing' });
    await expect(raw('/api/shipments/v2409/ship', shipBody(), 300)).rejects.toThrow();
    await inject({ target: 'api', endpoint: 'label', kind: 'reset_after_processing' });
    await expect(raw('/api/shipments/v2409/ship', shipBody(), 5_000)).rejects.toThrow();
    expect((await sandbox.control.stats('ups')).labelsCreated).toBe(before + 2);
  });
});
