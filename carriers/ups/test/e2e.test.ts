/**
 * The UPS mapping driven through a real CarrierContext (credential broker, upstream client,
 * HTTP) against the UPS twin: rates, labels in every format UPS offers, tracking of a label
 * just bought, every error shape mapped to its unified class, and the auth quirks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sandbox/kit/types.ts';
import type { CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Address, RateRequest } from '../../../src/domain/shipment.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { serviceByCode } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

const atlanta: Address = {
  name: 'Ada Shipper',
  company: 'Ada Goods',
  phone: '+1 404 555 0100',
  lines: ['55 Glenlake Pkwy NE'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30328',
  countryCode: 'US',
};
const seattle: Address = {
  name: 'Bob Buyer',
  lines: ['400 Broad St'],
  city: 'Seattle',
  stateCode: 'WA',
  postalCode: '98109',
  countryCode: 'US',
  residential: true,
};
const paris: Address = {
  name: 'Chloé Client',
  lines: ['1 rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
};

const domestic: RateRequest = {
  shipper: atlanta,
  recipient: seattle,
  parcels: [
    { weight: { value: 1.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
};

const labelRequest = (format: CarrierLabelRequest['format'], parcels = 1): CarrierLabelRequest => ({
  service: serviceByCode('03')!,
  shipper: atlanta,
  recipient: seattle,
  parcels: Array.from({ length: parcels }, () => ({ weight: { value: 2, unit: 'lb' as const } })),
  format,
  reference: 'order-1001',
});

const caught = async (promise: Promise<unknown>): Promise<CarrierError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarrierError) return error;
    throw error;
  }
  throw new Error('expected a CarrierError');
};

describe('UPS through the gateway (client credentials)', () => {
  let h: CarrierHarness;
  const inject = (spec: Omit<FaultSpec, 'carrier'>) => h.control.injectFault({ carrier: 'ups', ...spec });

  beforeAll(async () => {
    h = await startCarrierHarness(carrier, createSimulator);
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.control.clearFaults('ups');
  });

  it('rates a domestic shipment by shopping (RatedShipment array), prices as decimal strings', async () => {
    const rates = await carrier.rate(h.context('ups-sandbox'), domestic);
    expect(rates.map((r) => r.service.code).sort()).toEqual(['01', '02', '03', '12', '13', '14', '59']);
    for (const r of rates) {
      expect(r.total.currency).toBe('USD');
      expect(r.total.amount).toMatch(/^\d+\.\d{2}$/);
    }
    const ground = rates.find((r) => r.service.code === '03');
    expect(ground?.service).toEqual({ code: '03', name: 'UPS Ground', level: 'ground' });
    expect(ground?.warnings).toContain('Your invoice may vary from the displayed reference rates');
  });

  it('rates one service level with "Rate" (RatedShipment object)', async () => {
    const rates = await carrier.rate(h.context('ups-sandbox'), { ...domestic, services: ['ground'] });
    expect(rates).toHaveLength(1);
    expect(rates[0]?.service.code).toBe('03');
    // Deterministic: the shopped and the rated ground price agree.
    const shopped = await carrier.rate(h.context('ups-sandbox'), domestic);
    expect(rates[0]?.total).toEqual(shopped.find((r) => r.service.code === '03')?.total);
  });

  it('rates an international shipment with international services only', async () => {
    const rates = await carrier.rate(h.context('ups-sandbox'), { ...domestic, recipient: paris });
    expect(rates.map((r) => r.service.code).sort()).toEqual(['07', '08', '11', '54', '65']);
    expect(rates.find((r) => r.service.code === '11')?.service.level).toBe('economy');
  });

  it('buys a GIF label, then tracks it', async () => {
    const ctx = h.context('ups-sandbox');
    const label = await carrier.createLabel(ctx, labelRequest('GIF'));
    expect(label.trackingNumber).toMatch(/^1ZA1B2C303\d{8}$/);
    expect(label.mediaType).toBe('image/gif');
    expect(new TextDecoder().decode(label.document!.slice(0, 6))).toBe('GIF89a');
    expect(label.price?.currency).toBe('USD');

    const tracking = await carrier.track(ctx, label.trackingNumber);
    expect(tracking.trackingNumber).toBe(label.trackingNumber);
    expect(tracking.status).toBe('pre_transit');
    expect(tracking.events[0]).toMatchObject({ status: 'pre_transit', code: 'MP' });
    const labels = await h.control.labels('ups');
    expect(labels.find((l) => l.trackingNumber === label.trackingNumber)?.reference).toBe('order-1001');
  });

  it('buys ZPL (one print job for several packages) and PNG labels', async () => {
    const zpl = await carrier.createLabel(h.context('ups-sandbox'), labelRequest('ZPL', 2));
    const text = new TextDecoder().decode(zpl.document!);
    expect(text.match(/\^XA/g)).toHaveLength(2);
    expect(zpl.mediaType).toBe('application/x-zpl');
    const png = await carrier.createLabel(h.context('ups-sandbox'), labelRequest('PNG'));
    expect([...png.document!.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // Several image labels cannot be one document: the first is returned, the rest named.
    const gifs = await carrier.createLabel(h.context('ups-sandbox'), labelRequest('GIF', 2));
    expect(gifs.warnings?.some((w) => w.includes('2 package labels'))).toBe(true);
  });

  it('refuses PDF before sending anything (UPS /ship has no PDF)', async () => {
    const before = (await h.control.stats('ups')).labelsCreated;
    const error = await caught(carrier.createLabel(h.context('ups-sandbox'), labelRequest('PDF')));
    expect(error).toMatchObject({
      failureClass: 'rejected',
      outcome: 'not_sent',
      code: 'UNSUPPORTED_LABEL_FORMAT',
    });
    expect((await h.control.stats('ups')).labelsCreated).toBe(before);
  });

  it('tracking: unknown number (200 + TW0001) and malformed number (400 TV1002) are rejections', async () => {
    const unknown = await caught(carrier.track(h.context('ups-sandbox'), '1Z9999999999999999'));
    expect(unknown).toMatchObject({
      failureClass: 'rejected',
      code: 'TW0001',
      message: 'Tracking Information Not Found',
    });
    const malformed = await caught(carrier.track(h.context('ups-sandbox'), '12'));
    expect(malformed).toMatchObject({
      failureClass: 'rejected',
      code: 'TV1002',
      status: 400,
      outcome: 'rejected',
    });
  });

  it('business refusals: service not offered on the route, wrong shipper number, missing setting', async () => {
    const wrongService = await caught(
      carrier.createLabel(h.context('ups-sandbox'), {
        ...labelRequest('GIF'),
        service: serviceByCode('07')!,
      }),
    );
    expect(wrongService).toMatchObject({ failureClass: 'rejected', code: '111210', status: 400 });

    const base = h.accounts.find((a) => a.id === 'ups-sandbox')!;
    h.accounts.push({ ...base, id: 'ups-wrong-number', settings: { accountNumber: 'WRONG1' } });
    const shipper = await caught(carrier.createLabel(h.context('ups-wrong-number'), labelRequest('GIF')));
    expect(shipper).toMatchObject({
      failureClass: 'rejected',
      code: '120100',
      message: 'Missing or invalid shipper number',
    });
    const billing = await caught(carrier.rate(h.context('ups-wrong-number'), domestic));
    expect(billing).toMatchObject({ failureClass: 'rejected', code: '111600' });

    h.accounts.push({ ...base, id: 'ups-no-number', settings: {} });
    const missing = await caught(carrier.rate(h.context('ups-no-number'), domestic));
    expect(missing).toMatchObject({
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      code: 'MISSING_SETTING_accountNumber',
    });
  });

  it('API faults map to unified classes: 429 10429, 5xx, HTML page, unreadable 200', async () => {
    await inject({ target: 'api', endpoint: 'rate', kind: 'throttled', count: 1, params: { retryAfter: 3 } });
    expect(await caught(carrier.rate(h.context('ups-sandbox'), domestic))).toMatchObject({
      failureClass: 'throttled',
      code: '10429',
      retryAfterMs: 3000,
      status: 429,
    });
    await inject({
      target: 'api',
      endpoint: 'rate',
      kind: 'server_error',
      count: 1,
      params: { status: 500 },
    });
    expect(await caught(carrier.rate(h.context('ups-sandbox'), domestic))).toMatchObject({
      failureClass: 'unavailable',
      status: 500,
    });
    await inject({ target: 'api', endpoint: 'track', kind: 'html_error', count: 1 });
    expect(await caught(carrier.track(h.context('ups-sandbox'), '1Z9999999999999999'))).toMatchObject({
      failureClass: 'unavailable',
      code: 'HTTP_503',
    });
    await inject({ target: 'api', endpoint: 'label', kind: 'malformed_json', count: 1 });
    // A 2xx we cannot read on a label call: maybe bought, so never failed over blindly.
    expect(await caught(carrier.createLabel(h.context('ups-sandbox'), labelRequest('GIF')))).toMatchObject({
      failureClass: 'malformed',
      outcome: 'ambiguous',
      code: 'UNREADABLE_RESPONSE',
    });
  });

  it('a use-time 401 (250002) is refreshed once and retried; a second one is token_expired', async () => {
    const stats = () => h.control.stats('ups');
    const before = (await stats()).tokenCalls['ups-sandbox'] ?? 0;
    await inject({ target: 'api', endpoint: 'rate', kind: 'unauthorized', count: 1 });
    const rates = await carrier.rate(h.context('ups-sandbox'), { ...domestic, services: ['ground'] });
    expect(rates).toHaveLength(1);
    expect((await stats()).tokenCalls['ups-sandbox']).toBeGreaterThan(before);

    await inject({ target: 'api', endpoint: 'rate', kind: 'unauthorized', count: 2 });
    const error = await caught(carrier.rate(h.context('ups-sandbox'), domestic));
    expect(error).toMatchObject({ failureClass: 'token_expired', auth: true, code: '250002' });
  });

  it('token endpoint errors in the UPS shape are classified by the profile decoder', async () => {
    // Each fault hits a fresh account so no cached token hides it.
    const base = h.accounts.find((a) => a.id === 'ups-sandbox-2')!;
    const fresh = (id: string) => {
      h.accounts.push({ ...base, id });
      return h.context(id);
    };
    await inject({ target: 'token', kind: 'invalid_client', count: 1 });
    expect(await caught(carrier.rate(fresh('cc-1'), domestic))).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
      outcome: 'not_sent',
    });
    await inject({ target: 'token', kind: 'throttled', count: 1, params: { retryAfter: 5 } });
    expect(await caught(carrier.rate(fresh('cc-2'), domestic))).toMatchObject({
      failureClass: 'throttled',
      auth: true,
    });
    await inject({ target: 'token', kind: 'error_body_200', count: 1 });
    expect(await caught(carrier.rate(fresh('cc-3'), domestic))).toMatchObject({
      failureClass: 'malformed',
      auth: true,
    });
  });

  it('the probe is a light authenticated call', async () => {
    await expect(carrier.probe?.(h.context('ups-sandbox'))).resolves.toBeUndefined();
  });
});

describe('UPS through the gateway (authorization code, rotating refresh tokens)', () => {
  let h: CarrierHarness;
  beforeAll(async () => {
    h = await startCarrierHarness(carrier, createSimulator, { authMethod: 'authorization_code' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refreshes at /security/v1/oauth/refresh and keeps the rotated refresh token', async () => {
    const ctx = h.context('ups-connected');
    expect(await carrier.rate(ctx, { ...domestic, services: ['ground'] })).toHaveLength(1);
    // A refused bearer forces a second refresh: it must present the NEW refresh token.
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'rate',
      kind: 'unauthorized',
      count: 1,
    });
    expect(await carrier.rate(ctx, { ...domestic, services: ['ground'] })).toHaveLength(1);
    const stats = await h.control.stats('ups');
    expect(stats.tokenCallsByGrant['ups-connected']?.refresh_token).toBe(2);
    expect(stats.refreshTokenReuse['ups-connected'] ?? 0).toBe(0);
  });

  it('a refused refresh token stops with an auth failure', async () => {
    await h.control.injectFault({
      carrier: 'ups',
      target: 'token',
      endpoint: 'refresh',
      kind: 'invalid_grant',
    });
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'rate',
      kind: 'unauthorized',
      count: 1,
    });
    const error = await caught(carrier.rate(h.context('ups-connected'), domestic));
    expect(error.auth).toBe(true);
    expect(['revoked', 'refresh_race']).toContain(error.failureClass);
  });
});
