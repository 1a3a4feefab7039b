/** The Parcel DE mapping through a real CarrierContext (broker, ROPC token, upstream client) against the simulator. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../../src/domain/failure.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { SERVICES } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

let h: CarrierHarness;
beforeAll(async () => {
  h = await startCarrierHarness(carrier, createSimulator);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.control.reset('dhl-parcel-de');
});

const service = (code: string) => SERVICES.find((s) => s.code === code)!;
const bonn = {
  company: 'My Online Shop GmbH',
  lines: ['Sträßchensweg 10'],
  city: 'Bonn',
  postalCode: '53113',
  countryCode: 'DE',
};
const berlin = {
  name: 'Maria Musterfrau',
  lines: ['Invalidenstr. 1'],
  city: 'Berlin',
  postalCode: '10115',
  countryCode: 'DE',
};
const amsterdam = {
  name: 'Jan Vermeer',
  phone: '+31 888888888',
  lines: ['Museumstraat 1'],
  city: 'Amsterdam',
  postalCode: '1071 AA',
  countryCode: 'NL',
};
const parcel = {
  weight: { value: 1.2, unit: 'kg' as const },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' as const },
};

async function pdfText(bytes: Uint8Array): Promise<string> {
  const task = getDocument({ data: bytes.slice() });
  const page = await (await task.promise).getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
  await task.destroy();
  return text;
}

async function caught(p: Promise<unknown>): Promise<CarrierError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CarrierError) return err;
    throw err;
  }
  throw new Error('expected a CarrierError');
}

describe('rates (table: no rate API)', () => {
  it('domestic table rate needs no call to DHL', async () => {
    const rates = await carrier.rate(h.context(), { shipper: bonn, recipient: berlin, parcels: [parcel] });
    expect(rates).toHaveLength(1);
    expect(rates[0]).toMatchObject({
      service: { code: 'V01PAK', level: 'standard' },
      total: { amount: '6.19', currency: 'EUR' },
    });
    expect(carrier.rateSource).toBe('table');
    expect((await h.control.stats('dhl-parcel-de')).tokenCalls).toEqual({});
  });
  it("international: only from the account's contract table, never an invented price", async () => {
    // The second sandbox account has no contract table: nothing is quoted abroad.
    expect(
      await carrier.rate(h.context('dhl-parcel-de-second'), {
        shipper: bonn,
        recipient: amsterdam,
        parcels: [parcel],
      }),
    ).toEqual([]);
    // The first one has (sample) contract prices for zone EU1, where the Netherlands is.
    const rates = await carrier.rate(h.context(), { shipper: bonn, recipient: amsterdam, parcels: [parcel] });
    expect(rates.map((r) => [r.service.code, r.total.amount])).toEqual([
      ['V53WPAK', '13.49'],
      ['V54EPAK', '11.90'],
    ]);
    expect(carrier.servesRoute({ from: 'DE', to: 'NL' })).toBe(true);
    expect(carrier.servesRoute({ from: 'FR', to: 'DE' })).toBe(true); // as a DHL Retoure
    expect(carrier.servesRoute({ from: 'FR', to: 'NL' })).toBe(false);
  });
});

describe('labels, token and tracking', () => {
  it('a PDF label (one ROPC token, Bearer), then tracking the label just bought', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: service('V01PAK'),
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel],
      format: 'PDF',
      reference: 'ORDER-12345',
    });
    expect(label.trackingNumber).toMatch(/^00340434\d{12}$/);
    expect(new TextDecoder().decode(label.document!.slice(0, 5))).toBe('%PDF-');
    expect(await pdfText(label.document!)).toContain(label.trackingNumber);
    const stats = await h.control.stats('dhl-parcel-de');
    expect(stats.tokenCalls['dhl-parcel-de-sandbox']).toBe(1);
    expect(stats.tokenRequests[0]).toMatchObject({ grant: 'password' });
    expect(stats.labelsByReference['ORDER-12345']).toBe(1);

    const tracking = await carrier.track(h.context(), label.trackingNumber);
    expect(tracking).toMatchObject({
      carrier: 'dhl-parcel-de',
      trackingNumber: label.trackingNumber,
      status: 'pre_transit',
    });
    expect(tracking.events[0]?.code).toBe('pre-transit');
  });

  it('a ZPL label (docFormat ZPL2, text in label.zpl2) to an international consignee', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: service('V53WPAK'),
      shipper: bonn,
      recipient: amsterdam,
      parcels: [parcel],
      format: 'ZPL',
    });
    const zpl = new TextDecoder().decode(label.document!);
    expect(label.format).toBe('ZPL');
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl).toContain(label.trackingNumber);
    expect(zpl).toContain('NLD');
  });

  it('quirk: several parcels are several shipments, answered 207 with per-item sstatus', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: service('V01PAK'),
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel, parcel],
      format: 'ZPL',
    });
    expect(new TextDecoder().decode(label.document!).match(/\^XZ/g)).toHaveLength(2);
    // (a 401 may come first: the control reset revoked the cached token, and the broker refreshes once)
    expect((await h.control.stats('dhl-parcel-de')).apiCalls.label?.['207']).toBe(1);
  });

  it('quirk: a 207 with one failed item is a bought label for what was created, the refusal said', async () => {
    const heavy = { weight: { value: 40, unit: 'kg' as const } };
    const label = await carrier.createLabel(h.context(), {
      service: service('V01PAK'),
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel, heavy],
      format: 'PDF',
    });
    expect(label.trackingNumber).toMatch(/^00340434/);
    expect(label.warnings?.some((w) => /not created: parcel 2: .*The weight is too high/.test(w))).toBe(true);
  });

  it('quirk: a warning on a 200 (address not codeable) comes back as a label warning', async () => {
    const label = await carrier.createLabel(h.context(), {
      service: service('V01PAK'),
      shipper: bonn,
      recipient: { ...berlin, postalCode: '1011' },
      parcels: [parcel],
      format: 'PDF',
    });
    expect(label.warnings?.[0]).toMatch(/not codeable/);
  });

  it('the token is reused while valid', async () => {
    await carrier.probe!(h.context());
    await carrier.probe!(h.context());
    expect((await h.control.stats('dhl-parcel-de')).tokenCalls['dhl-parcel-de-sandbox']).toBe(1);
  });
});

/**
 * A new account in the simulator and the gateway: the broker remembers an account's auth
 * verdict (a misconfigured account is not retried), so each fault test gets its own.
 */
let fresh = 0;
async function freshAccount(): Promise<string> {
  fresh++;
  const id = `dhl-parcel-de-fault-${fresh}`;
  const secrets = {
    clientId: `faultKey${fresh}`,
    clientSecret: `faultSecret${fresh}`,
    username: `fault-user-${fresh}`,
    password: `FaultPass${fresh}!`,
  };
  const settings = { ekp: '3333333333', participation: '01' };
  await h.control.addAccount('dhl-parcel-de', { id, secrets, settings });
  h.accounts.push({ ...h.accounts[0]!, id, secrets, settings });
  return id;
}

describe('errors in the unified vocabulary', () => {
  const label = (account = 'dhl-parcel-de-second') =>
    carrier.createLabel(h.context(account), {
      service: service('V01PAK'),
      shipper: bonn,
      recipient: berlin,
      parcels: [parcel],
      format: 'PDF',
    });

  it('a validation refusal (product not for this destination): rejected, nothing created', async () => {
    const err = await caught(
      carrier.createLabel(h.context(), {
        service: service('V01PAK'),
        shipper: bonn,
        recipient: amsterdam,
        parcels: [parcel],
        format: 'PDF',
      }),
    );
    expect(err).toMatchObject({ failureClass: 'rejected', outcome: 'rejected', code: 'Bad Request' });
    expect(err.message).toContain('not available for destination NLD');
  });

  it('token endpoint invalid_grant (portal password refused): misconfigured, never revoked', async () => {
    const account = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account,
      target: 'token',
      kind: 'invalid_grant',
      count: 5,
    });
    expect(await caught(label(account))).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
      outcome: 'not_sent',
    });
  });

  it('token endpoint wrong user password (real check, no fault): misconfigured', async () => {
    const account = await freshAccount();
    const resolved = h.accounts.find((a) => a.id === account)!;
    h.accounts.push({
      ...resolved,
      id: `${account}-bad`,
      secrets: { ...resolved.secrets, password: 'wrong' },
    });
    expect(await caught(label(`${account}-bad`))).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
    });
  });

  it('token endpoint throttled and 503: throttled, unavailable', async () => {
    const a = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account: a,
      target: 'token',
      kind: 'throttled',
      count: 5,
    });
    expect((await caught(label(a))).failureClass).toBe('throttled');
    const b = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account: b,
      target: 'token',
      kind: 'server_error',
      count: 5,
    });
    expect((await caught(label(b))).failureClass).toBe('unavailable');
  });

  it('API 401 {title,statusCode,detail} twice: token refused after a forced refresh', async () => {
    const account = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account,
      target: 'api',
      endpoint: 'label',
      kind: 'unauthorized',
      count: 2,
    });
    const err = await caught(label(account));
    expect(err.auth).toBe(true);
    expect(['token_expired', 'revoked', 'misconfigured']).toContain(err.failureClass);
  });

  it('API 429 with Retry-After: throttled', async () => {
    const account = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account,
      target: 'api',
      endpoint: 'label',
      kind: 'throttled',
      count: 5,
      params: { retryAfter: 9 },
    });
    expect(await caught(label(account))).toMatchObject({ failureClass: 'throttled', retryAfterMs: 9000 });
  });

  it('API 500 and HTML pages: unavailable', async () => {
    const a = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account: a,
      target: 'api',
      endpoint: 'label',
      kind: 'server_error',
      count: 5,
      params: { status: 500 },
    });
    expect((await caught(label(a))).failureClass).toBe('unavailable');
    const b = await freshAccount();
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      account: b,
      target: 'api',
      endpoint: 'label',
      kind: 'html_error',
      count: 5,
    });
    expect((await caught(label(b))).failureClass).toBe('unavailable');
  });

  it('tracking: unknown number rejected; a refused API key is configuration, not token expiry', async () => {
    expect((await caught(carrier.track(h.context(), '00340434999999999999'))).failureClass).toBe('rejected');
    await h.control.injectFault({
      carrier: 'dhl-parcel-de',
      target: 'api',
      endpoint: 'track',
      kind: 'unauthorized',
      count: 5,
    });
    expect(await caught(carrier.track(h.context(), '00340434999999999999'))).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
    });
  });
});
