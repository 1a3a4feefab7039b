/**
 * The FedEx simulator over real HTTP: its quirks (form credentials in the body, numeric
 * expires_in, gzip, 200-with-alerts, spec field names), request validation in FedEx's error
 * shape, and every injected fault kind rendered the FedEx way.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiFaultKind, FaultParams, SimAccount, TokenFaultKind } from '../../../sandbox/kit/index.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { createSimulator } from '../simulator/index.ts';
import { form, type RawAnswer, rawRequest } from './raw-http.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

let sandbox: Sandbox;
let base: string;
let main: SimAccount;

beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { fedex: createSimulator } });
  base = sandbox.baseUrl('fedex');
  main = sandbox.accounts('fedex')[0]!;
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.control.clearFaults('fedex'));

const tokenRequest = (account: SimAccount, headers: Record<string, string> = {}) =>
  rawRequest(`${base}/oauth/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form({
      grant_type: 'client_credentials',
      client_id: account.secrets.clientId!,
      client_secret: account.secrets.clientSecret!,
    }),
  });

async function token(account: SimAccount = main): Promise<string> {
  const res = await tokenRequest(account);
  expect(res.status).toBe(200);
  return (res.json() as { access_token: string }).access_token;
}

const api = (path: string, body: unknown, bearer: string | undefined, headers: Record<string, string> = {}) =>
  rawRequest(`${base}${path}`, {
    headers: {
      'content-type': 'application/json',
      'x-locale': 'en_US',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

type FedexErrors = {
  transactionId: string;
  customerTransactionId?: string;
  errors: { code: string; message: string; parameterList?: { key: string; value: string }[] }[];
};
const errorsOf = (res: RawAnswer) => res.json() as FedexErrors;

/** A spec request body with the sandbox account's number in place of the example's. */
function withAccount<T extends Record<string, unknown>>(
  body: T,
  accountNumber = main.settings!.accountNumber!,
): T {
  return { ...body, accountNumber: { value: accountNumber } };
}

const RATE = '/rate/v1/rates/quotes';
const SHIP = '/ship/v1/shipments';
const TRACK = '/track/v1/trackingnumbers';

function shipRequest(imageType = 'PDF', patch: Record<string, unknown> = {}): Record<string, unknown> {
  const body = withAccount(fixture('ship-request.json'));
  const rs = body.requestedShipment as Record<string, unknown>;
  return {
    ...body,
    requestedShipment: { ...rs, labelSpecification: { imageType, labelStockType: 'PAPER_4X6' }, ...patch },
  };
}

type ShipOutput = {
  output: {
    transactionShipments: {
      masterTrackingNumber: string;
      alerts?: { code: string }[];
      pieceResponses: {
        trackingNumber: string;
        packageDocuments: { encodedLabel?: string; url?: string; docType: string }[];
      }[];
      completedShipmentDetail: {
        shipmentRating: { shipmentRateDetails: { totalNetCharge: number; currency: string }[] };
      };
    }[];
  };
};

describe('OAuth token endpoint', () => {
  it('issues a bearer token for form-encoded body credentials: expires_in 3599 as a number, scope CXS', async () => {
    const res = await tokenRequest(main);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3599, scope: 'CXS' });
    expect(typeof body.expires_in).toBe('number');
    expect(typeof body.access_token).toBe('string');
  });

  it('gzips the answer when the client accepts gzip', async () => {
    const res = await tokenRequest(main, { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect([...res.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(res.json()).toMatchObject({ expires_in: 3599 });
    const plain = await tokenRequest(main);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('refuses a wrong secret with NOT.AUTHORIZED.ERROR in FedEx shape', async () => {
    const res = await tokenRequest({ ...main, secrets: { ...main.secrets, clientSecret: 'wrong' } });
    expect(res.status).toBe(401);
    const body = errorsOf(res);
    expect(body.transactionId).toEqual(expect.any(String));
    expect(body.errors).toEqual([
      {
        code: 'NOT.AUTHORIZED.ERROR',
        message: 'The given client credentials were not valid. Please modify your request and try again.',
      },
    ]);
  });

  it('ignores HTTP Basic: FedEx wants the credentials in the body', async () => {
    const basic = Buffer.from(`${main.secrets.clientId}:${main.secrets.clientSecret}`).toString('base64');
    const res = await rawRequest(`${base}/oauth/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: form({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(400);
    expect(errorsOf(res).errors[0]?.code).toBe('BAD.REQUEST.ERROR');
  });

  it('refuses a JSON body and an unsupported grant', async () => {
    const json = await rawRequest(`${base}/oauth/token`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: main.secrets.clientId,
        client_secret: main.secrets.clientSecret,
      }),
    });
    expect(json.status).toBe(400);
    const grant = await rawRequest(`${base}/oauth/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({
        grant_type: 'password',
        client_id: main.secrets.clientId!,
        client_secret: main.secrets.clientSecret!,
      }),
    });
    expect(grant.status).toBe(400);
    expect(errorsOf(grant).errors[0]?.code).toBe('BAD.REQUEST.ERROR');
  });

  it('counts token calls per account and never records the secret', async () => {
    await sandbox.control.reset('fedex');
    await token();
    const stats = await sandbox.control.stats('fedex');
    expect(stats.tokenCalls[main.id]).toBe(1);
    expect(JSON.stringify(stats.tokenRequests)).not.toContain(main.secrets.clientSecret!);
    expect(stats.tokenRequests.at(-1)).toMatchObject({ account: main.id, grant: 'client_credentials' });
  });
});

describe('Rate API', () => {
  it('answers the spec example requests with priced rateReplyDetails, echoing the transaction id', async () => {
    const bearer = await token();
    for (const name of [
      'rate-request-minimum.json',
      'rate-request-us-domestic-multi-piece.json',
      'rate-request-international-priority.json',
    ]) {
      const res = await api(RATE, withAccount(fixture(name)), bearer, {
        'x-customer-transaction-id': `t-${name}`,
      });
      expect(res.status, name).toBe(200);
      const body = res.json() as {
        transactionId: string;
        customerTransactionId: string;
        output: {
          rateReplyDetails: {
            serviceType: string;
            ratedShipmentDetails: { rateType: string; totalNetCharge: unknown; currency: string }[];
          }[];
        };
      };
      expect(body.customerTransactionId).toBe(`t-${name}`);
      expect(body.transactionId).toEqual(expect.any(String));
      expect(body.output.rateReplyDetails.length).toBeGreaterThan(0);
      for (const reply of body.output.rateReplyDetails) {
        for (const d of reply.ratedShipmentDetails) {
          expect(typeof d.totalNetCharge).toBe('number');
          expect(d.currency).toBe('USD');
        }
      }
    }
  });

  it('returns only the asked serviceType, ACCOUNT and LIST prices, deterministically', async () => {
    const bearer = await token();
    const body = withAccount(fixture('rate-request-international-priority.json'));
    const a = (await api(RATE, body, bearer)).json() as {
      output: {
        rateReplyDetails: {
          serviceType: string;
          ratedShipmentDetails: { rateType: string; totalNetCharge: number }[];
        }[];
      };
    };
    const b = (await api(RATE, body, bearer)).json() as typeof a;
    expect(a.output.rateReplyDetails.map((r) => r.serviceType)).toEqual(['INTERNATIONAL_PRIORITY']);
    expect(a.output.rateReplyDetails[0]?.ratedShipmentDetails.map((d) => d.rateType).sort()).toEqual([
      'ACCOUNT',
      'LIST',
    ]);
    expect(b.output.rateReplyDetails).toEqual(a.output.rateReplyDetails);
  });

  it('prices heavier parcels higher', async () => {
    const bearer = await token();
    const price = async (value: number) => {
      const body = withAccount(fixture('rate-request-minimum.json')) as {
        requestedShipment: { requestedPackageLineItems: unknown[] };
      };
      body.requestedShipment.requestedPackageLineItems = [{ weight: { units: 'LB', value } }];
      const res = (await api(RATE, body, bearer)).json() as {
        output: {
          rateReplyDetails: { serviceType: string; ratedShipmentDetails: { totalNetCharge: number }[] }[];
        };
      };
      return res.output.rateReplyDetails.find((r) => r.serviceType === 'FEDEX_GROUND')
        ?.ratedShipmentDetails[0]?.totalNetCharge;
    };
    expect(await price(30)).toBeGreaterThan((await price(2))!);
  });

  it('warns with 200 alerts on an international quote', async () => {
    const res = await api(
      RATE,
      withAccount(fixture('rate-request-international-priority.json')),
      await token(),
    );
    expect(res.status).toBe(200);
    const body = res.json() as {
      output: {
        alerts: { code: string; alertType: string }[];
        rateReplyDetails: { customerMessages: { code: string }[] }[];
      };
    };
    expect(body.output.alerts).toEqual([
      expect.objectContaining({ code: 'MONEYBACKGUARANTEE.NOT.ELIGIBLE', alertType: 'NOTE' }),
    ]);
    // The example carries a commodity, so only the duties note.
    expect(body.output.rateReplyDetails[0]?.customerMessages.map((m) => m.code)).toEqual([
      'SERVICE.TYPE.INTERNATIONAL.MESSAGE',
    ]);
  });

  it('refuses the spec example account number with ACCOUNT.NUMBER.MISMATCH', async () => {
    const res = await api(RATE, fixture('rate-request-minimum.json'), await token(), {
      'x-customer-transaction-id': 'abc',
    });
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toMatchObject({
      customerTransactionId: 'abc',
      errors: [{ code: 'ACCOUNT.NUMBER.MISMATCH' }],
    });
  });

  it('refuses missing required fields with INVALID.INPUT.EXCEPTION naming them', async () => {
    const body = withAccount(fixture('rate-request-minimum.json')) as {
      requestedShipment: Record<string, unknown>;
    };
    delete body.requestedShipment.pickupType;
    delete body.requestedShipment.requestedPackageLineItems;
    const res = await api(RATE, body, await token());
    expect(res.status).toBe(400);
    const fields = errorsOf(res).errors.map((e) => {
      expect(e.code).toBe('INVALID.INPUT.EXCEPTION');
      return e.parameterList?.[0]?.value;
    });
    expect(fields.sort()).toEqual([
      'requestedShipment.pickupType',
      'requestedShipment.requestedPackageLineItems',
    ]);
    const notJson = await api(RATE, '{oops', await token());
    expect(errorsOf(notJson).errors[0]?.code).toBe('INVALID.INPUT.EXCEPTION');
  });

  it('answers 401 NOT.AUTHORIZED.ERROR without a valid bearer token', async () => {
    for (const bearer of [undefined, 'not-a-token']) {
      const res = await api(RATE, withAccount(fixture('rate-request-minimum.json')), bearer);
      expect(res.status).toBe(401);
      expect(errorsOf(res).errors[0]).toEqual({
        code: 'NOT.AUTHORIZED.ERROR',
        message: 'Access token expired. Please modify your request and try again.',
      });
    }
  });

  it('gzips API answers and validation errors when asked', async () => {
    const bearer = await token();
    const ok = await api(RATE, withAccount(fixture('rate-request-minimum.json')), bearer, {
      'accept-encoding': 'gzip',
    });
    expect(ok.headers['content-encoding']).toBe('gzip');
    expect([...ok.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const bad = await api(RATE, fixture('rate-request-minimum.json'), bearer, { 'accept-encoding': 'gzip' });
    expect(bad.headers['content-encoding']).toBe('gzip');
    expect(errorsOf(bad).errors[0]?.code).toBe('ACCOUNT.NUMBER.MISMATCH');
  });
});

describe('Ship API', () => {
  it.each([
    ['PDF', (b: Buffer) => b.subarray(0, 5).toString() === '%PDF-'],
    ['ZPLII', (b: Buffer) => b.toString().startsWith('^XA')],
    [
      'PNG',
      (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ],
    ['EPL2', (b: Buffer) => /^\nN\n/.test(b.toString())],
  ])('creates a shipment from the spec request with a %s label', async (imageType, looksRight) => {
    const res = await api(SHIP, shipRequest(imageType), await token());
    expect(res.status).toBe(200);
    const shipment = (res.json() as ShipOutput).output.transactionShipments[0]!;
    expect(shipment.masterTrackingNumber).toMatch(/^\d{12}$/);
    const doc = shipment.pieceResponses[0]!.packageDocuments[0]!;
    expect(doc.docType).toBe(imageType);
    const bytes = Buffer.from(doc.encodedLabel!, 'base64');
    expect(looksRight(bytes)).toBe(true);
    if (imageType === 'ZPLII') expect(bytes.toString()).toContain(shipment.masterTrackingNumber);
    expect(shipment.completedShipmentDetail.shipmentRating.shipmentRateDetails[0]).toMatchObject({
      currency: 'USD',
      totalNetCharge: expect.any(Number),
    });
  });

  it('gives a url instead of bytes with URL_ONLY', async () => {
    const res = await api(SHIP, { ...shipRequest(), labelResponseOptions: 'URL_ONLY' }, await token());
    const doc = (res.json() as ShipOutput).output.transactionShipments[0]!.pieceResponses[0]!
      .packageDocuments[0]!;
    expect(doc.url).toMatch(/^https:\/\/.+SH,\d{12}_SHIPPING_P$/);
    expect(doc.encodedLabel).toBeUndefined();
  });

  it('issues one label per piece and counts them', async () => {
    await sandbox.control.reset('fedex');
    const rs = shipRequest().requestedShipment as { requestedPackageLineItems: unknown[] };
    const res = await api(
      SHIP,
      shipRequest('PDF', {
        requestedPackageLineItems: [...rs.requestedPackageLineItems, { weight: { units: 'KG', value: 3 } }],
      }),
      await token(),
    );
    const pieces = (res.json() as ShipOutput).output.transactionShipments[0]!.pieceResponses;
    expect(pieces).toHaveLength(2);
    expect(new Set(pieces.map((p) => p.trackingNumber)).size).toBe(2);
    expect((await sandbox.control.stats('fedex')).labelsCreated).toBe(2);
  });

  it('warns with a 200 alert when the recipient has no phone number', async () => {
    const rs = shipRequest().requestedShipment as { recipients: { contact: Record<string, unknown> }[] };
    const recipient = structuredClone(rs.recipients[0]!);
    delete recipient.contact.phoneNumber;
    const res = await api(SHIP, shipRequest('PDF', { recipients: [recipient] }), await token());
    expect(res.status).toBe(200);
    expect((res.json() as ShipOutput).output.transactionShipments[0]!.alerts?.[0]?.code).toBe(
      'RECIPIENTCONTACT.PHONENUMBER.INVALID',
    );
  });

  it('refuses an unregistered account number with ACCOUNTNUMBER.REGISTRATION.REQUIRED', async () => {
    const res = await api(SHIP, fixture('ship-request.json'), await token());
    expect(res.status).toBe(400);
    expect(errorsOf(res).errors[0]).toEqual({
      code: 'ACCOUNTNUMBER.REGISTRATION.REQUIRED',
      message:
        'Please enter a valid 9-digit FedEx account number or register for a new FedEx account number.',
    });
  });

  it('refuses a missing labelSpecification, a bad imageType and a service off the route', async () => {
    const bearer = await token();
    const noSpec = shipRequest() as { requestedShipment: Record<string, unknown> };
    delete noSpec.requestedShipment.labelSpecification;
    const field = async (body: unknown) => {
      const res = await api(SHIP, body, bearer);
      expect(res.status).toBe(400);
      const e = errorsOf(res).errors[0];
      expect(e?.code).toBe('INVALID.INPUT.EXCEPTION');
      return e?.parameterList?.[0]?.value;
    };
    expect(await field(noSpec)).toBe('requestedShipment.labelSpecification');
    expect(await field(shipRequest('GIF'))).toBe('requestedShipment.labelSpecification.imageType');
    expect(await field(shipRequest('PDF', { serviceType: 'INTERNATIONAL_ECONOMY' }))).toBe(
      'requestedShipment.serviceType',
    );
  });
});

describe('Track API', () => {
  it('tracks a label just bought and refuses unknown and empty numbers the FedEx way', async () => {
    const bearer = await token();
    const ship = (await api(SHIP, shipRequest(), bearer)).json() as ShipOutput;
    const number = ship.output.transactionShipments[0]!.masterTrackingNumber;
    const res = await api(
      TRACK,
      {
        includeDetailedScans: true,
        trackingInfo: [
          { trackingNumberInfo: { trackingNumber: number } },
          { trackingNumberInfo: { trackingNumber: '000000000000' } },
        ],
      },
      bearer,
    );
    expect(res.status).toBe(200);
    const results = (
      res.json() as {
        output: {
          completeTrackResults: { trackingNumber: string; trackResults: Record<string, unknown>[] }[];
        };
      }
    ).output.completeTrackResults;
    expect(results[0]?.trackingNumber).toBe(number);
    expect(results[0]?.trackResults[0]).toMatchObject({
      latestStatusDetail: { code: 'OC', derivedCode: 'OC' },
      scanEvents: [expect.objectContaining({ eventType: 'OC', date: expect.stringMatching(/\+00:00$/) })],
    });
    expect(results[1]?.trackResults[0]?.error).toMatchObject({ code: 'TRACKING.TRACKINGNUMBER.NOTFOUND' });

    const empty = await api(
      TRACK,
      { trackingInfo: [{ trackingNumberInfo: { trackingNumber: '' } }] },
      bearer,
    );
    expect(empty.status).toBe(400);
    expect(errorsOf(empty).errors).toEqual([
      { code: 'TRACKING.TRACKINGNUMBER.EMPTY', message: 'Please provide tracking number.' },
    ]);
  });
});

describe('injected token faults, in FedEx shape', () => {
  const inject = (kind: TokenFaultKind, params?: FaultParams) =>
    sandbox.control.injectFault({
      carrier: 'fedex',
      target: 'token',
      endpoint: 'token',
      kind,
      count: 1,
      ...(params ? { params } : {}),
    });

  it.each([
    ['invalid_client', 401, 'NOT.AUTHORIZED.ERROR'],
    ['invalid_grant', 401, 'NOT.AUTHORIZED.ERROR'],
    ['invalid_scope', 403, 'FORBIDDEN.ERROR'],
    ['unsupported_grant_type', 400, 'BAD.REQUEST.ERROR'],
    ['throttled', 429, 'TOO.MANY.REQUESTS'],
    ['server_error', 503, 'SERVICE.UNAVAILABLE.ERROR'],
    ['error_body_200', 200, 'NOT.AUTHORIZED.ERROR'],
  ] as const)('%s -> HTTP %i %s', async (kind, status, code) => {
    await inject(kind);
    const res = await tokenRequest(main);
    expect(res.status).toBe(status);
    expect(errorsOf(res).errors[0]?.code).toBe(code);
    if (kind === 'throttled') expect(res.headers['retry-after']).toBe('30');
  });

  it('server_error with status 500 is INTERNAL.SERVER.ERROR', async () => {
    await inject('server_error', { status: 500 });
    const res = await tokenRequest(main);
    expect(res.status).toBe(500);
    expect(errorsOf(res).errors[0]?.code).toBe('INTERNAL.SERVER.ERROR');
  });

  it('html_error, malformed_json and json_as_text bend the transport', async () => {
    await inject('html_error');
    const html = await tokenRequest(main);
    expect([html.status, html.headers['content-type']]).toEqual([503, 'text/html; charset=utf-8']);
    await inject('malformed_json');
    const cut = await tokenRequest(main);
    expect(cut.status).toBe(200);
    expect(() => cut.json()).toThrow();
    await inject('json_as_text');
    expect((await tokenRequest(main)).headers['content-type']).toMatch(/^text\/plain/);
  });

  it('payload faults bend the success body', async () => {
    await inject('no_access_token');
    expect((await tokenRequest(main)).json()).not.toHaveProperty('access_token');
    await inject('missing_expires_in');
    expect((await tokenRequest(main)).json()).not.toHaveProperty('expires_in');
    await inject('expires_in_string');
    expect((await tokenRequest(main)).json()).toMatchObject({ expires_in: '3599' });
    await inject('expires_in_zero');
    expect((await tokenRequest(main)).json()).toMatchObject({ expires_in: 0 });
  });

  it('short_lifetime: the token claims 3599 s but dies after 1 s', async () => {
    await inject('short_lifetime', { lifetimeSeconds: 1 });
    const res = await tokenRequest(main);
    const body = res.json() as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(3599);
    await new Promise((r) => setTimeout(r, 1_500));
    const refused = await api(
      TRACK,
      { trackingInfo: [{ trackingNumberInfo: { trackingNumber: '1' } }] },
      body.access_token,
    );
    expect(refused.status).toBe(401);
  });

  it('slow still answers; hang never does', async () => {
    await inject('slow', { delayMs: 50 });
    expect((await tokenRequest(main)).status).toBe(200);
    await inject('hang');
    await expect(
      rawRequest(`${base}/oauth/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          grant_type: 'client_credentials',
          client_id: main.secrets.clientId!,
          client_secret: main.secrets.clientSecret!,
        }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
  });
});

describe('injected API faults, in FedEx shape, on every endpoint', () => {
  const endpoints = [
    ['rate', RATE, () => withAccount(fixture('rate-request-minimum.json'))],
    ['label', SHIP, () => shipRequest()],
    ['track', TRACK, () => ({ trackingInfo: [{ trackingNumberInfo: { trackingNumber: '794900000001' } }] })],
  ] as const;
  const inject = (endpoint: string, kind: ApiFaultKind, params?: FaultParams) =>
    sandbox.control.injectFault({
      carrier: 'fedex',
      target: 'api',
      endpoint,
      kind,
      count: 1,
      ...(params ? { params } : {}),
    });

  for (const [endpoint, path, body] of endpoints) {
    it(`${endpoint}: unauthorized, throttled, server errors, html, malformed`, async () => {
      const bearer = await token();
      const call = () => api(path, body(), bearer);
      await inject(endpoint, 'unauthorized');
      const unauthorized = await call();
      expect([unauthorized.status, errorsOf(unauthorized).errors[0]?.code]).toEqual([
        401,
        'NOT.AUTHORIZED.ERROR',
      ]);

      await inject(endpoint, 'throttled', { retryAfter: 12 });
      const throttled = await call();
      expect([
        throttled.status,
        throttled.headers['retry-after'],
        errorsOf(throttled).errors[0]?.code,
      ]).toEqual([429, '12', 'TOO.MANY.REQUESTS']);

      await inject(endpoint, 'server_error');
      const unavailable = await call();
      expect([unavailable.status, errorsOf(unavailable).errors[0]?.code]).toEqual([
        503,
        'SERVICE.UNAVAILABLE.ERROR',
      ]);

      await inject(endpoint, 'server_error', { status: 500 });
      const internal = await call();
      expect([internal.status, errorsOf(internal).errors[0]?.code]).toEqual([500, 'INTERNAL.SERVER.ERROR']);

      await inject(endpoint, 'html_error', { status: 502 });
      const html = await call();
      expect([html.status, html.headers['content-type']]).toEqual([502, 'text/html; charset=utf-8']);

      await inject(endpoint, 'malformed_json');
      const malformed = await call();
      expect(malformed.status).toBe(200);
      expect(() => malformed.json()).toThrow();

      await inject(endpoint, 'slow', { delayMs: 20 });
      expect((await call()).status).toBeLessThan(500);
      // The fault fired once and is gone.
      expect((await call()).status).toBeLessThan(500);
    });
  }

  it('label: hang and reset after processing still create the label', async () => {
    await sandbox.control.reset('fedex');
    const bearer = await token();
    await inject('label', 'hang_after_processing');
    await expect(
      rawRequest(`${base}${SHIP}`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(shipRequest()),
        signal: AbortSignal.timeout(500),
      }),
    ).rejects.toThrow();
    await inject('label', 'reset_after_processing');
    await expect(api(SHIP, shipRequest(), bearer)).rejects.toThrow();
    expect((await sandbox.control.stats('fedex')).labelsCreated).toBe(2);
  });

  it('hang before processing creates nothing', async () => {
    await sandbox.control.reset('fedex');
    const bearer = await token();
    await inject('label', 'hang');
    await expect(
      rawRequest(`${base}${SHIP}`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(shipRequest()),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await sandbox.control.stats('fedex')).labelsCreated).toBe(0);
  });
});
