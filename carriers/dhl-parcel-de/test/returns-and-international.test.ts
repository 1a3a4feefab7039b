/**
 * Parcel DE abroad and back: international prices by zone from the account's contract table,
 * DHL Retoure return labels from the other EU countries through the Returns API (mapping
 * against the spec's examples, the simulator, the real request path), and France -> Germany
 * through the whole gateway.
 */
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.ts';
import type { CarrierLabelRequest, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Label, RateRequest, RateResponse } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import {
  ADDRESSES,
  type GatewayHarness,
  startGatewayHarness,
} from '../../../test/support/gateway-harness.ts';
import { ContractRatesError, contractRates } from '../contract-rates.ts';
import { carrier } from '../index.ts';
import { decodeError } from '../mapping/errors.ts';
import { inlineDocument } from '../mapping/labels.ts';
import { tableRates } from '../mapping/rates.ts';
import { buildReturnRequest, readReturnAnswer, receiverIdFor } from '../mapping/returns.ts';
import { splitStreet } from '../mapping/wire.ts';
import { RETOURE, RETURNS_PATH, SERVICES } from '../profile.ts';
import { createSimulator, SANDBOX_ACCOUNTS } from '../simulator/index.ts';
import { RETURN_ORIGINS, zoneOf } from '../zones.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

function answer(status: number, body: unknown): UpstreamResponse {
  const text = JSON.stringify(body);
  return {
    status,
    headers: new Headers({ 'content-type': 'application/problem+json' }),
    body: new TextEncoder().encode(text),
    text: () => text,
    json: () => JSON.parse(text),
  };
}

const bonn = {
  company: 'Shop GmbH',
  lines: ['Sträßchensweg 10'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
};
const paris = {
  name: 'Camille Martin',
  lines: ['10 rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
  email: 'camille@example.fr',
};
const kilo = { weight: { value: 1, unit: 'kg' as const } };
const returnLabel = (extra: Partial<CarrierLabelRequest> = {}): CarrierLabelRequest => ({
  service: RETOURE,
  shipper: paris,
  recipient: bonn,
  parcels: [kilo],
  format: 'PDF',
  reference: 'RMA-2025-0042',
  ...extra,
});
const sample = {
  'rates.effective': '2025-01-01',
  'rates.V53WPAK.EU1': '2000:13.49,5000:16.49',
  'rates.V53WPAK.WORLD': '2000:35.99,31500:100.99',
  'rates.RETOURE.EU1': '5000:8.90,31500:12.90',
};

function returnLabelOf(json: unknown, format: 'PDF' | 'ZPL') {
  const { shipment, warnings } = readReturnAnswer(json);
  const doc = inlineDocument(shipment);
  if ('url' in doc) throw new Error('a link');
  return boughtLabel(
    { carrier: 'dhl-parcel-de', account: { id: 't', environment: 'sandbox', settings: {} } },
    { trackingNumber: shipment.shipmentNo, documents: [doc], warnings, requested: format, status: 201 },
  );
}

describe('zones and routes', () => {
  it('EU zones 1-3 hold exactly the 26 other EU members; everything else abroad is WORLD', () => {
    expect(RETURN_ORIGINS.size).toBe(26);
    expect([zoneOf('FR'), zoneOf('IT'), zoneOf('PT'), zoneOf('CH'), zoneOf('US')]).toEqual([
      'EU1',
      'EU2',
      'EU3',
      'WORLD',
      'WORLD',
    ]);
    expect(zoneOf('DE')).toBeUndefined();
  });

  it('serves from Germany anywhere, and back to Germany from the EU (returns) only', () => {
    expect(carrier.servesRoute({ from: 'DE', to: 'US' })).toBe(true);
    expect(carrier.servesRoute({ from: 'FR', to: 'DE' })).toBe(true);
    expect(carrier.servesRoute({ from: 'IT', to: 'DE' })).toBe(true);
    expect(carrier.servesRoute({ from: 'CH', to: 'DE' })).toBe(false); // needs customs data
    expect(carrier.servesRoute({ from: 'US', to: 'DE' })).toBe(false);
    expect(carrier.servesRoute({ from: 'FR', to: 'BE' })).toBe(false);
  });
});

describe('contract rates', () => {
  it('reads the account settings; international and returns rates come only from them', () => {
    const contract = contractRates({ ekp: '3333333333', ...sample });
    const toParis: RateRequest = { shipper: bonn, recipient: paris, parcels: [kilo] };
    expect(tableRates(toParis, undefined, contract)).toEqual([
      {
        service: { code: 'V53WPAK', name: 'DHL Paket International', level: 'standard' },
        total: { amount: '13.49', currency: 'EUR' },
        estimatedDays: 4,
        warnings: [
          "dhl-parcel-de rate from the account's contract table (rates.V53WPAK.EU1, effective 2025-01-01)",
        ],
      },
    ]);
    const toUs = tableRates(
      { ...toParis, recipient: { ...paris, countryCode: 'US' }, parcels: [kilo, kilo] },
      undefined,
      contract,
    );
    expect(toUs[0]?.total.amount).toBe('71.98');
    const back = tableRates({ shipper: paris, recipient: bonn, parcels: [kilo] }, undefined, contract);
    expect(back.map((r) => [r.service.code, r.total.amount])).toEqual([['RETOURE', '8.90']]);
    // A return is one parcel; a zone without a table is not quoted; no contract, no rate.
    expect(
      tableRates({ shipper: paris, recipient: bonn, parcels: [kilo, kilo] }, undefined, contract),
    ).toEqual([]);
    expect(
      tableRates({ ...toParis, recipient: { ...paris, countryCode: 'IT' } }, undefined, contract),
    ).toEqual([]);
    expect(tableRates(toParis)).toEqual([]);
  });

  it('a malformed table is a configuration error naming the setting', () => {
    for (const [key, value] of [
      ['rates.V53WPAK.EU1', '2000:13.4'],
      ['rates.V53WPAK.EU1', '5000:13.49,2000:12.49'],
      ['rates.V53WPAK.EU9', '2000:13.49'],
      ['rates.NOPE.EU1', '2000:13.49'],
    ] as const) {
      expect(() => contractRates({ [key]: value })).toThrow(ContractRatesError);
      expect(() => contractRates({ [key]: value })).toThrow(key);
    }
  });
});

describe('returns mapping (Parcel DE Returns API 1.1.0)', () => {
  it('builds the spec ReturnOrder: receiverId, shipper with street and house apart, grams, reference', () => {
    const spec = fixture('returns-request-deu.json') as Record<string, Record<string, unknown>>;
    const req = buildReturnRequest(returnLabel(), {});
    expect(req).toMatchObject({
      method: 'POST',
      path: RETURNS_PATH,
      query: { labelType: 'SHIPMENT_LABEL', docFormat: 'PDF' },
      operation: 'label',
    });
    const body = JSON.parse(String(req.body)) as Record<string, Record<string, unknown>>;
    // Same keys as the spec example, no others.
    for (const key of Object.keys(body)) expect(Object.keys(spec)).toContain(key);
    for (const key of Object.keys(body.shipper!)) expect(Object.keys(spec.shipper!)).toContain(key);
    expect(body).toMatchObject({
      receiverId: 'fra',
      customerReference: 'RMA-2025-0042',
      shipper: {
        name1: 'Camille Martin',
        addressStreet: 'rue de Rivoli',
        addressHouse: '10',
        postalCode: '75001',
        city: 'Paris',
        email: 'camille@example.fr',
      },
      itemWeight: { uom: 'g', value: 1000 },
    });
    expect(receiverIdFor({ 'returnsReceiverId.FR': 'retoure_fr' }, 'FR')).toBe('retoure_fr');
  });

  it('splits house numbers written after the street (Germany) or before it (France)', () => {
    expect(splitStreet('Charles-de-Gaulle Str. 20')).toEqual({
      street: 'Charles-de-Gaulle Str.',
      house: '20',
    });
    expect(splitStreet('12-14 avenue Foch')).toEqual({ street: 'avenue Foch', house: '12-14' });
    expect(splitStreet('Calle Mayor, 5b')).toEqual({ street: 'Calle Mayor', house: '5b' });
    expect(splitStreet('Lieu-dit Les Granges')).toBeUndefined();
  });

  it('refuses what the Returns API cannot take, before sending anything', () => {
    expect(() => buildReturnRequest(returnLabel({ parcels: [kilo, kilo] }), {})).toThrow(/one parcel/);
    expect(() => buildReturnRequest(returnLabel({ format: 'PNG' }), {})).toThrow(/PNG/);
    expect(() => buildReturnRequest(returnLabel({ shipper: { ...paris, countryCode: 'CH' } }), {})).toThrow(
      /EU/,
    );
    expect(() =>
      buildReturnRequest(returnLabel({ shipper: { ...paris, lines: ['Lieu-dit Les Granges'] } }), {}),
    ).toThrow(/house number/);
  });

  it("reads a 201 ReturnOrderConfirmation; the spec example's PNG stub is reported as the PNG it is", () => {
    const stub = returnLabelOf(fixture('returns-response-201.json'), 'PDF');
    expect(stub).toMatchObject({ trackingNumber: '999991587211', format: 'PNG' });
    expect(stub.warnings).toContain('asked for PDF, the carrier returned PNG');
    const pdf = btoa('%PDF-1.4 return label');
    const label = returnLabelOf(
      { ...(fixture('returns-response-201.json') as object), label: { b64: pdf } },
      'PDF',
    );
    expect(label).toMatchObject({
      trackingNumber: '999991587211',
      format: 'PDF',
      mediaType: 'application/pdf',
    });
    const zpl = returnLabelOf({ shipmentNo: '999991587211', label: { zpl2: '^XA^XZ' } }, 'ZPL');
    expect(zpl).toMatchObject({ format: 'ZPL', mediaType: 'application/x-zpl' });
  });

  it('decodes the Returns API JSONStatus errors', () => {
    expect(decodeError(answer(401, fixture('returns-error-401.json')))).toMatchObject({
      failureClass: 'token_expired',
      auth: true,
      code: 'Unauthorized',
    });
    expect(decodeError(answer(429, fixture('returns-error-429.json')))).toMatchObject({
      failureClass: 'throttled',
      code: 'Too Many Requests',
    });
  });
});

describe('the Returns API simulator', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let base: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ simulators: { 'dhl-parcel-de': createSimulator } });
    base = sandbox.baseUrl('dhl-parcel-de');
  });
  afterAll(() => sandbox?.close());

  async function post(body: unknown, query = 'labelType=SHIPMENT_LABEL&docFormat=PDF', auth?: string) {
    const account = SANDBOX_ACCOUNTS[0]!;
    const token = await fetch(`${base}/parcel/de/account/auth/ropc/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: account.secrets.clientId ?? '',
        client_secret: account.secrets.clientSecret ?? '',
        username: account.secrets.username ?? '',
        password: account.secrets.password ?? '',
      }),
    });
    const bearer = `Bearer ${((await token.json()) as { access_token: string }).access_token}`;
    return fetch(`${base}${RETURNS_PATH}?${query}`, {
      method: 'POST',
      headers: { authorization: auth ?? bearer, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it("accepts the spec's own example with 201 and a ReturnOrderConfirmation", async () => {
    const res = await post(fixture('returns-request-deu.json'));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      sstatus: { title: 'Created', status: 201 },
      routingCode: expect.any(String),
    });
    expect(returnLabelOf(body, 'PDF').trackingNumber).toBe(body.shipmentNo);
  });

  it('refuses a ReturnOrder that breaks the schema, and a request without a valid token', async () => {
    const order = fixture('returns-request-deu.json') as { shipper: Record<string, unknown> };
    const noHouse = { ...order, shipper: { ...order.shipper, addressHouse: undefined } };
    const res = await post(noHouse);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({
      title: 'Bad Request',
      status: 400,
      detail: expect.stringContaining('addressHouse'),
    });
    expect((await post(order, 'docFormat=PNG')).status).toBe(400);
    expect((await post(order, undefined, 'Bearer forged')).status).toBe(401);
  });
});

describe('returns through the real request path', () => {
  let h: CarrierHarness;
  beforeAll(async () => {
    h = await startCarrierHarness(carrier, createSimulator);
  });
  afterAll(() => h?.close());

  async function pdfText(bytes: Uint8Array): Promise<string> {
    const task = getDocument({ data: bytes.slice() });
    const page = await (await task.promise).getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    await task.destroy();
    return text;
  }

  it('a France -> Germany label is a DHL Retoure from the Returns API, and it tracks', async () => {
    const label = await carrier.createLabel(h.context(), returnLabel());
    expect(label.trackingNumber).toMatch(/^99999\d{7}$/);
    expect(label.warnings).toBeUndefined();
    const text = await pdfText(label.document!);
    expect(text).toContain(label.trackingNumber);
    expect(text).toContain('DHL Retoure');
    const stats = await h.control.stats('dhl-parcel-de');
    expect(stats.apiCalls.returns).toEqual({ '201': 1 });
    expect(stats.apiCalls.label).toBeUndefined();
    expect(stats.labelsByReference['RMA-2025-0042']).toBe(1);
    const tracking = await carrier.track(h.context(), label.trackingNumber);
    expect(tracking).toMatchObject({ trackingNumber: label.trackingNumber, status: 'pre_transit' });
  });

  it('a unified level that picked another product still goes out as a DHL Retoure, and says so', async () => {
    const paket = SERVICES.find((s) => s.code === 'V53WPAK')!;
    const label = await carrier.createLabel(h.context(), returnLabel({ service: paket, format: 'ZPL' }));
    expect(label.format).toBe('ZPL');
    expect(label.warnings).toEqual([expect.stringContaining('sent as a DHL Retoure')]);
  });

  it('an unknown receiver id is the carrier refusing the request (422), not an outage', async () => {
    const ctx = h.context();
    const settings = { ...ctx.account.settings, 'returnsReceiverId.FR': 'nowhere' };
    const refused = await carrier
      .createLabel({ ...ctx, account: { ...ctx.account, settings } }, returnLabel())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierError);
    expect(refused).toMatchObject({ failureClass: 'rejected', outcome: 'rejected', status: 422 });
  });

  it('RETOURE from Germany is refused before anything is sent', async () => {
    const error = await carrier
      .createLabel(h.context(), returnLabel({ shipper: bonn, recipient: paris }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ failureClass: 'rejected', code: 'route' });
  });
});

describe('France -> Germany through the whole gateway (sandbox)', () => {
  let gw: GatewayHarness;
  beforeAll(async () => {
    gw = await startGatewayHarness({ carriers: ['dhl-parcel-de', 'dhl-express'], fallbacks: {} });
  });
  afterAll(() => gw?.close());

  it('rates include DHL Parcel DE (as a DHL Retoure) and DHL Express', async () => {
    const { status, body } = await gw.request<RateResponse>('POST', '/v1/rates', {
      shipper: ADDRESSES.paris,
      recipient: ADDRESSES.berlin,
      parcels: [{ weight: { value: 2.5, unit: 'kg' } }],
    });
    expect(status).toBe(200);
    const parcelDe = body.rates.filter((r) => r.carrier === 'dhl-parcel-de');
    expect(parcelDe.map((r) => [r.service.code, r.total.amount, r.source])).toEqual([
      ['RETOURE', '8.90', 'table'],
    ]);
    expect(body.rates.some((r) => r.carrier === 'dhl-express')).toBe(true);
  });

  it('a label bought with the quoted service is a DHL Retoure label', async () => {
    const { status, body } = await gw.request<Label>(
      'POST',
      '/v1/labels',
      {
        carrier: 'dhl-parcel-de',
        service: 'RETOURE',
        shipper: ADDRESSES.paris,
        recipient: ADDRESSES.berlin,
        parcels: [{ weight: { value: 2.5, unit: 'kg' } }],
        format: 'PDF',
        reference: 'RMA-77',
        failover: 'never',
      },
      { 'idempotency-key': `retoure-${crypto.randomUUID()}` },
    );
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ carrier: 'dhl-parcel-de', format: 'PDF' });
    expect(body.trackingNumber).toMatch(/^99999\d{7}$/);
  });
});
