/**
 * The USPS simulator over real HTTP: its quirks, request validation in the real error shape,
 * and every injectable fault rendered the way USPS would answer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { documentFromBase64 } from '../../../src/carrier/documents.ts';
import { readLabelAnswer } from '../mapping/label-answer.ts';
import { createSimulator } from '../simulator/index.ts';

let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { usps: createSimulator } });
  base = sandbox.baseUrl('usps');
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  await sandbox.control.reset('usps');
});

const CLIENT = { client_id: 'usps-sandbox-client', client_secret: 'usps-sandbox-secret' };
const TIMEOUT = () => AbortSignal.timeout(15_000);

const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal = TIMEOUT()) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });

async function accessToken(client = CLIENT): Promise<string> {
  const res = await post('/oauth2/v3/token', { ...client, grant_type: 'client_credentials' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const ROLES = {
  roles: [
    {
      roleName: 'PAYER',
      CRID: '56982563',
      MID: '904128936',
      manifestMID: '904128936',
      accountType: 'EPS',
      accountNumber: '1000405525',
    },
    { roleName: 'LABEL_OWNER', CRID: '56982563', MID: '904128936', manifestMID: '904128936' },
  ],
};

async function paymentToken(token: string): Promise<string> {
  const res = await post('/payments/v3/payment-authorization', ROLES, bearer(token));
  expect(res.status).toBe(200);
  return ((await res.json()) as { paymentAuthorizationToken: string }).paymentAuthorizationToken;
}

const today = () => new Date().toISOString().slice(0, 10);

const labelBody = (overrides: Record<string, unknown> = {}) => ({
  imageInfo: { imageType: 'PDF', labelType: '4X6LABEL', receiptOption: 'NONE' },
  toAddress: {
    firstName: 'Nick',
    lastName: 'Fury',
    streetAddress: '2700 S Jefferson Ave',
    city: 'St. Louis',
    state: 'MO',
    ZIPCode: '63104',
  },
  fromAddress: {
    firstName: 'Sam',
    lastName: 'Wilson',
    streetAddress: '45 L St SW',
    city: 'Washington',
    state: 'DC',
    ZIPCode: '20024',
  },
  packageDescription: {
    mailClass: 'USPS_GROUND_ADVANTAGE',
    rateIndicator: 'SP',
    weightUOM: 'lb',
    weight: 0.5,
    dimensionsUOM: 'in',
    length: 9,
    width: 6,
    height: 0.25,
    processingCategory: 'NONSTANDARD',
    mailingDate: today(),
    extraServices: [],
    destinationEntryFacilityType: 'NONE',
    customerReference: [{ referenceNumber: 'order-1', printReferenceNumber: true }],
  },
  ...overrides,
});

const rateQuery = (overrides: Record<string, unknown> = {}) => ({
  originZIPCode: '20024',
  destinationZIPCode: '63104',
  weight: 2,
  length: 10,
  width: 8,
  height: 4,
  mailClass: 'PRIORITY_MAIL',
  processingCategory: 'MACHINABLE',
  rateIndicator: 'SP',
  destinationEntryFacilityType: 'NONE',
  priceType: 'COMMERCIAL',
  ...overrides,
});

type UspsError = {
  apiVersion: string;
  error: {
    code: string;
    message: string;
    errors?: { code: string; detail: string; source?: { parameter?: string } }[];
  };
};

const inject = (spec: Omit<FaultSpec, 'carrier'>) =>
  sandbox.control.injectFault({ carrier: 'usps', ...spec });

describe('OAuth v3', () => {
  it('client credentials in a JSON body: 8-hour JWT with the USPS fields', async () => {
    const res = await post('/oauth2/v3/token', { ...CLIENT, grant_type: 'client_credentials' });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 28_799,
      status: 'approved',
      client_id: CLIENT.client_id,
    });
    expect(String(body.access_token).split('.')).toHaveLength(3);
    expect(typeof body.issued_at).toBe('number');
    expect(String(body.scope)).toContain('labels');
  });

  it('also accepts a form body, and refuses a wrong secret with RFC 6749 invalid_client', async () => {
    const form = await fetch(`${base}/oauth2/v3/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...CLIENT, grant_type: 'client_credentials' }),
      signal: TIMEOUT(),
    });
    expect(form.status).toBe(200);
    const bad = await post('/oauth2/v3/token', {
      ...CLIENT,
      client_secret: 'nope',
      grant_type: 'client_credentials',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an unknown scope and an unknown grant', async () => {
    const scope = await post('/oauth2/v3/token', {
      ...CLIENT,
      grant_type: 'client_credentials',
      scope: 'prices rockets',
    });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toMatchObject({ error: 'invalid_scope' });
    const grant = await post('/oauth2/v3/token', { ...CLIENT, grant_type: 'password' });
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('enforces 60 token calls an hour per account, really counted: the 61st is 429 with Retry-After', async () => {
    const quota = { id: 'quota', secrets: { clientId: 'quota-client', clientSecret: 'quota-secret' } };
    await sandbox.control.addAccount('usps', quota);
    const client = { client_id: 'quota-client', client_secret: 'quota-secret' };
    for (let i = 0; i < 60; i++) await accessToken(client);
    const refused = await post('/oauth2/v3/token', { ...client, grant_type: 'client_credentials' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    const body = (await refused.json()) as UspsError;
    expect(body.error.code).toBe('429');
    expect(body.error.errors?.[0]?.code).toBe('TOO_MANY_REQUESTS');
    // Another account is not affected, and the stats saw all 61 calls.
    await accessToken();
    expect((await sandbox.control.stats('usps')).tokenCalls.quota).toBe(61);
  });

  it('authorization code + PKCE (S256), then rotating refresh tokens', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://127.0.0.1:9/callback';
    const authorize = new URL(`${base}/oauth2/v3/authorize`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: CLIENT.client_id,
      redirect_uri: redirect,
      scope: 'labels tracking',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      authorize.searchParams.set(k, v);
    }
    const res = await fetch(authorize, { redirect: 'manual', signal: TIMEOUT() });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code') ?? '';

    const wrong = await post('/oauth2/v3/token', {
      ...CLIENT,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      code_verifier: 'x'.repeat(43),
    });
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    // The code was spent by the failed attempt; get a new one.
    const again = await fetch(authorize, { redirect: 'manual', signal: TIMEOUT() });
    const code2 = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchanged = await post('/oauth2/v3/token', {
      ...CLIENT,
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: redirect,
      code_verifier: verifier,
    });
    const first = (await exchanged.json()) as Record<string, unknown>;
    expect(exchanged.status).toBe(200);
    expect(first).toMatchObject({
      scope: 'labels tracking',
      refresh_token_status: 'approved',
      refresh_token_expires_in: 604_800,
    });

    const refreshed = await post('/oauth2/v3/token', {
      ...CLIENT,
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    const second = (await refreshed.json()) as Record<string, unknown>;
    expect(refreshed.status).toBe(200);
    expect(second.refresh_token).toBeTypeOf('string');
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it('strict rotation: reusing a spent refresh token is invalid_grant and counted', async () => {
    await sandbox.control.setMode({ carrier: 'usps', account: 'default', strictRotation: true });
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${base}/oauth2/v3/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.client_id,
      redirect_uri: 'http://127.0.0.1:9/cb',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const code = new URL(
      (await fetch(url, { redirect: 'manual', signal: TIMEOUT() })).headers.get('location') ?? '',
    ).searchParams.get('code');
    const tokens = (await (
      await post('/oauth2/v3/token', {
        ...CLIENT,
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_verifier: verifier,
      })
    ).json()) as { refresh_token: string };
    const use = () =>
      post('/oauth2/v3/token', {
        ...CLIENT,
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
    expect((await use()).status).toBe(200);
    const reuse = await use();
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await sandbox.control.stats('usps')).refreshTokenReuse.default).toBe(1);
  });
});

describe('prices', () => {
  it('answers BaseRateOption with numbers (not strings) and a zone', async () => {
    const res = await post('/prices/v3/base-rates/search', rateQuery(), bearer(await accessToken()));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      totalBasePrice: number;
      rates: { mailClass: string; zone: string; price: number }[];
    };
    expect(typeof body.totalBasePrice).toBe('number');
    expect(body.rates[0]).toMatchObject({ mailClass: 'PRIORITY_MAIL', zone: '04' });
  });

  it('validates like the API gateway: a missing required field is 400 OASValidation naming it', async () => {
    const { mailClass: _drop, ...query } = rateQuery();
    const res = await post('/prices/v3/base-rates/search', query, bearer(await accessToken()));
    expect(res.status).toBe(400);
    const body = (await res.json()) as UspsError;
    expect(body.apiVersion).toBe('/prices/v3');
    expect(body.error.errors?.[0]).toMatchObject({
      code: 'OASValidation',
      source: { parameter: 'mailClass' },
    });
  });

  it('030001 for a ZIP with no zone, 030004 for a weight the class does not take', async () => {
    const token = await accessToken();
    const zone = (await (
      await post('/prices/v3/base-rates/search', rateQuery({ destinationZIPCode: '00100' }), bearer(token))
    ).json()) as UspsError;
    expect(zone.error.errors?.[0]?.code).toBe('030001');
    const heavy = await post(
      '/international-prices/v3/base-rates/search',
      {
        ...rateQuery({ mailClass: 'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE', weight: 5 }),
        destinationZIPCode: undefined,
        destinationCountryCode: 'FR',
      },
      bearer(token),
    );
    expect(((await heavy.json()) as UspsError).error.errors?.[0]?.code).toBe('030004');
  });

  it('international prices by destinationCountryCode', async () => {
    const { destinationZIPCode: _d, ...query } = rateQuery({ mailClass: 'PRIORITY_MAIL_INTERNATIONAL' });
    const res = await post(
      '/international-prices/v3/base-rates/search',
      { ...query, destinationCountryCode: 'FR', foreignPostalCode: '75001' },
      bearer(await accessToken()),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rates: { zone: string }[] }).rates[0]?.zone).toBe('04');
  });

  it('401 in the USPS shape without a bearer token', async () => {
    const res = await post('/prices/v3/base-rates/search', rateQuery());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await res.json()) as UspsError).error.code).toBe('401');
  });
});

describe('payments and labels', () => {
  it('payment authorization: roles required (160218), answers a JWT token', async () => {
    const token = await accessToken();
    const missing = await post(
      '/payments/v3/payment-authorization',
      { roles: [{ ...ROLES.roles[0], CRID: undefined }, ROLES.roles[1]] },
      bearer(token),
    );
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as UspsError).error.errors?.[0]).toMatchObject({
      code: '160218',
      detail: 'PAYER requires CRID',
    });
    expect((await paymentToken(token)).split('.')).toHaveLength(3);
  });

  it('a label needs both tokens: bearer alone is 401', async () => {
    const token = await accessToken();
    const res = await post('/labels/v3/label', labelBody(), bearer(token));
    expect(res.status).toBe(401);
    const payment = await paymentToken(token);
    // The payment token is not an access token.
    const swapped = await post('/labels/v3/label', labelBody(), {
      ...bearer(payment),
      'x-payment-authorization-token': payment,
    });
    expect(swapped.status).toBe(401);
  });

  it('default answer: 200 (not 201) multipart/form-data, metadata JSON + base64 PDF that says binary', async () => {
    const token = await accessToken();
    const res = await post('/labels/v3/label', labelBody(), {
      ...bearer(token),
      'x-payment-authorization-token': await paymentToken(token),
    });
    expect(res.status).toBe(200);
    const type = res.headers.get('content-type');
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const raw = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(raw)).toContain('Content-Transfer-Encoding: binary');
    const label = readLabelAnswer(type, raw);
    expect(label.metadata.trackingNumber).toMatch(/^92001904128936\d{8}$/);
    expect(documentFromBase64(label.image)).toMatchObject({ ok: true, format: 'PDF' });
  });

  it('Accept application/vnd.usps.labels+json: one JSON object with the image inline', async () => {
    const token = await accessToken();
    const res = await post('/labels/v3/label', labelBody({ imageInfo: { imageType: 'ZPL203DPI' } }), {
      ...bearer(token),
      'x-payment-authorization-token': await paymentToken(token),
      accept: 'application/vnd.usps.labels+json',
    });
    expect(res.headers.get('content-type')).toBe('application/vnd.usps.labels+json');
    const body = (await res.json()) as { labelImage: string; trackingNumber: string; postage: number };
    const zpl = Buffer.from(body.labelImage, 'base64').toString('utf8');
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl).toContain(body.trackingNumber);
  });

  it('validation: missing toAddress (OASValidation), past mailing date (160001)', async () => {
    const token = await accessToken();
    const headers = { ...bearer(token), 'x-payment-authorization-token': await paymentToken(token) };
    const { toAddress: _t, ...noTo } = labelBody();
    const missing = (await (await post('/labels/v3/label', noTo, headers)).json()) as UspsError;
    expect(missing.apiVersion).toBe('/labels/v3');
    expect(missing.error.errors?.[0]).toMatchObject({
      code: 'OASValidation',
      source: { parameter: 'toAddress' },
    });
    const body = labelBody();
    (body.packageDescription as Record<string, unknown>).mailingDate = '2020-01-01';
    const past = (await (await post('/labels/v3/label', body, headers)).json()) as UspsError;
    expect(past.error.errors?.[0]).toMatchObject({
      code: '160001',
      source: { parameter: 'packageDescription.mailingDate' },
    });
    expect((await sandbox.control.stats('usps')).labelsCreated).toBe(0);
  });

  it('X-Idempotency-Key: the same request twice buys one label', async () => {
    const token = await accessToken();
    const headers = {
      ...bearer(token),
      'x-payment-authorization-token': await paymentToken(token),
      'x-idempotency-key': '8be4df61-93ca-11d2-aa0d-00e098032b8c',
      accept: 'application/vnd.usps.labels+json',
    };
    const a = (await (await post('/labels/v3/label', labelBody(), headers)).json()) as {
      trackingNumber: string;
    };
    const b = (await (await post('/labels/v3/label', labelBody(), headers)).json()) as {
      trackingNumber: string;
    };
    expect(b.trackingNumber).toBe(a.trackingNumber);
    expect((await sandbox.control.stats('usps')).labelsCreated).toBe(1);
  });

  it('tracks a label just bought; an unknown number is 404 with 150002', async () => {
    const token = await accessToken();
    const res = await post('/labels/v3/label', labelBody(), {
      ...bearer(token),
      'x-payment-authorization-token': await paymentToken(token),
      accept: 'application/vnd.usps.labels+json',
    });
    const { trackingNumber } = (await res.json()) as { trackingNumber: string };
    const tracked = await fetch(`${base}/tracking/v3/tracking/${trackingNumber}?expand=DETAIL`, {
      headers: bearer(token),
      signal: TIMEOUT(),
    });
    expect(tracked.status).toBe(200);
    expect(await tracked.json()).toMatchObject({
      trackingNumber,
      statusCategory: 'Pre-Shipment',
      trackingEvents: [{ eventCode: 'GX', eventCity: 'Washington', eventZIP: '20024' }],
    });
    const unknown = await fetch(`${base}/tracking/v3/tracking/9200000000000000000000?expand=DETAIL`, {
      headers: bearer(token),
      signal: TIMEOUT(),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as UspsError).error.errors?.[0]?.code).toBe('150002');
  });
});

describe('token-endpoint faults in USPS shapes', () => {
  const tokenCall = () => post('/oauth2/v3/token', { ...CLIENT, grant_type: 'client_credentials' });

  it.each([
    ['invalid_client', 401, 'invalid_client'],
    ['invalid_grant', 400, 'invalid_grant'],
    ['invalid_scope', 400, 'invalid_scope'],
    ['unsupported_grant_type', 400, 'unsupported_grant_type'],
    ['error_body_200', 200, 'invalid_client'],
  ] as const)('%s -> HTTP %i with RFC 6749 error %s', async (kind, status, error) => {
    await inject({ target: 'token', kind });
    const res = await tokenCall();
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error });
  });

  it('throttled: 429, Retry-After (seconds or date), USPS ErrorMessage', async () => {
    await inject({ target: 'token', kind: 'throttled', params: { retryAfter: 42 }, count: 1 });
    const res = await tokenCall();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('42');
    expect(((await res.json()) as UspsError).error.code).toBe('429');
    await inject({
      target: 'token',
      kind: 'throttled',
      params: { retryAfter: 42, retryAfterFormat: 'date' },
      count: 1,
    });
    expect(Number.isNaN(Date.parse((await tokenCall()).headers.get('retry-after') ?? ''))).toBe(false);
  });

  it('server_error, html_error, malformed_json, json_as_text', async () => {
    await inject({ target: 'token', kind: 'server_error', params: { status: 502 }, count: 1 });
    const server = await tokenCall();
    expect(server.status).toBe(502);
    expect(((await server.json()) as UspsError).error.code).toBe('502');
    await inject({ target: 'token', kind: 'html_error', count: 1 });
    const html = await tokenCall();
    expect(html.headers.get('content-type')).toContain('text/html');
    await inject({ target: 'token', kind: 'malformed_json', count: 1 });
    await expect((await tokenCall()).json()).rejects.toThrow();
    await inject({ target: 'token', kind: 'json_as_text', count: 1 });
    expect((await tokenCall()).headers.get('content-type')).toContain('text/plain');
  });

  it.each([
    ['no_access_token', (b: Record<string, unknown>) => expect(b).not.toHaveProperty('access_token')],
    ['missing_expires_in', (b: Record<string, unknown>) => expect(b).not.toHaveProperty('expires_in')],
    ['expires_in_string', (b: Record<string, unknown>) => expect(b.expires_in).toBe('28799')],
    ['expires_in_zero', (b: Record<string, unknown>) => expect(b.expires_in).toBe(0)],
  ] as const)('%s bends the success body', async (kind, check) => {
    await inject({ target: 'token', kind });
    const res = await tokenCall();
    expect(res.status).toBe(200);
    check((await res.json()) as Record<string, unknown>);
  });

  it('short_lifetime: expires_in still says 8 hours, the token dies after a second', async () => {
    await inject({ target: 'token', kind: 'short_lifetime', params: { lifetimeSeconds: 1 }, count: 1 });
    const body = (await (await tokenCall()).json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(28_799);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await post('/prices/v3/base-rates/search', rateQuery(), bearer(body.access_token))).status).toBe(
      401,
    );
  });

  it('slow answers after the delay; hang never answers until the client gives up', async () => {
    await inject({ target: 'token', kind: 'slow', params: { delayMs: 50 }, count: 1 });
    expect((await tokenCall()).status).toBe(200);
    await inject({ target: 'token', kind: 'hang', count: 1 });
    await expect(
      post('/oauth2/v3/token', { ...CLIENT, grant_type: 'client_credentials' }, {}, AbortSignal.timeout(300)),
    ).rejects.toThrow();
  });

  it('refresh faults target the refresh_token grant only', async () => {
    await inject({ target: 'token', kind: 'invalid_grant', endpoint: 'refresh' });
    expect((await tokenCall()).status).toBe(200);
  });
});

describe('API faults in USPS shapes, on every endpoint', () => {
  const endpoints = ['rate', 'payment', 'label', 'track'] as const;

  async function call(endpoint: (typeof endpoints)[number], signal = TIMEOUT()): Promise<Response> {
    const token = await accessToken();
    if (endpoint === 'rate') return post('/prices/v3/base-rates/search', rateQuery(), bearer(token), signal);
    if (endpoint === 'payment')
      return post('/payments/v3/payment-authorization', ROLES, bearer(token), signal);
    const payment = await paymentToken(token);
    if (endpoint === 'label') {
      return post(
        '/labels/v3/label',
        labelBody(),
        { ...bearer(token), 'x-payment-authorization-token': payment },
        signal,
      );
    }
    return fetch(`${base}/tracking/v3/tracking/9200000000000000000000?expand=DETAIL`, {
      headers: bearer(token),
      signal,
    });
  }

  it.each(endpoints)(
    '%s: unauthorized, throttled, server_error in the ErrorMessage shape',
    async (endpoint) => {
      await inject({ target: 'api', endpoint, kind: 'unauthorized', count: 1 });
      const unauthorized = await call(endpoint);
      expect(unauthorized.status).toBe(401);
      expect(((await unauthorized.json()) as UspsError).error.code).toBe('401');

      await inject({ target: 'api', endpoint, kind: 'throttled', params: { retryAfter: 7 }, count: 1 });
      const throttled = await call(endpoint);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(((await throttled.json()) as UspsError).error.errors?.[0]?.code).toBe('TOO_MANY_REQUESTS');

      await inject({ target: 'api', endpoint, kind: 'server_error', params: { status: 503 }, count: 1 });
      const down = await call(endpoint);
      expect(down.status).toBe(503);
      expect(((await down.json()) as UspsError).error.message).toBe('Service Unavailable');
    },
  );

  it.each(endpoints)('%s: html_error, malformed_json, slow, hang', async (endpoint) => {
    await inject({ target: 'api', endpoint, kind: 'html_error', params: { status: 502 }, count: 1 });
    const html = await call(endpoint);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    await inject({ target: 'api', endpoint, kind: 'malformed_json', count: 1 });
    await expect((await call(endpoint)).json()).rejects.toThrow();
    await inject({ target: 'api', endpoint, kind: 'slow', params: { delayMs: 20 }, count: 1 });
    expect((await call(endpoint)).status).not.toBe(504);
    await inject({ target: 'api', endpoint, kind: 'hang', count: 1 });
    await expect(call(endpoint, AbortSignal.timeout(1_500))).rejects.toThrow();
  });

  it('label hang_after_processing and reset_after_processing: no answer, but the label was bought', async () => {
    await inject({ target: 'api', endpoint: 'label', kind: 'hang_after_processing', count: 1 });
    await expect(call('label', AbortSignal.timeout(1_500))).rejects.toThrow();
    await inject({ target: 'api', endpoint: 'label', kind: 'reset_after_processing', count: 1 });
    await expect(call('label')).rejects.toThrow();
    expect((await sandbox.control.stats('usps')).labelsCreated).toBe(2);
  });
});
