/** Happy paths of every route over real HTTP, answers checked against the published schemas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarriersResponse } from '../../src/domain/carriers-view.ts';
import { Label, RateResponse, Tracking } from '../../src/domain/shipment.ts';
import { type Harness, jsonPost, startHarness, validLabelRequest, validRateRequest } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('unified API v1 happy paths', () => {
  it('POST /v1/rates answers 200 with rates sorted as the gateway gave them', async () => {
    const res = await h.fetch('/v1/rates', jsonPost(validRateRequest()));
    expect(res.status).toBe(200);
    const body = RateResponse.parse(await res.json());
    expect(body.rates.map((r) => [r.service.code, r.total])).toEqual([
      ['ACME_GROUND', { amount: '6.25', currency: 'USD' }],
      ['ACME_EXPRESS', { amount: '12.50', currency: 'USD' }],
    ]);
  });

  it('accepts application/*+json and a charset parameter', async () => {
    const res = await h.fetch('/v1/rates', {
      ...jsonPost(validRateRequest()),
      headers: { 'Content-Type': 'application/vnd.gateway+json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
  });

  it('POST /v1/labels answers 201, replays the same key and body with the same label', async () => {
    const init = jsonPost(validLabelRequest(), { 'Idempotency-Key': 'order-1-label' });
    const first = await h.fetch('/v1/labels', init);
    expect(first.status).toBe(201);
    const label = Label.parse(await first.json());
    expect(label.format).toBe('PDF'); // schema default applied
    expect(label.routing.servedBy).toBe('acme');
    const replay = await h.fetch('/v1/labels', init);
    expect(replay.status).toBe(201);
    expect(Label.parse(await replay.json()).trackingNumber).toBe(label.trackingNumber);
  });

  it('GET /v1/carriers answers 200 with the carriers view', async () => {
    const res = await h.fetch('/v1/carriers');
    expect(res.status).toBe(200);
    expect(CarriersResponse.parse(await res.json()).carriers[0]?.id).toBe('acme');
  });

  it('GET /v1/tracking/{carrier}/{trackingNumber} answers 200', async () => {
    const res = await h.fetch('/v1/tracking/acme/ACME00000001');
    expect(res.status).toBe(200);
    const body = Tracking.parse(await res.json());
    expect(body).toMatchObject({ carrier: 'acme', trackingNumber: 'ACME00000001', status: 'in_transit' });
  });

  it('passes the request AbortSignal to the gateway, which sees the caller hang up', async () => {
    const hold = h.gateway.holdNext();
    const controller = new AbortController();
    const pending = h.fetch('/v1/rates', { ...jsonPost(validRateRequest()), signal: controller.signal });
    const ctx = await hold.entered;
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    const aborted = new Promise<void>((resolve) => ctx.signal?.addEventListener('abort', () => resolve()));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await aborted; // the test would hang (and time out) if the signal never fired
    hold.release();
  });
});

describe('request ids', () => {
  it('echoes a valid X-Request-Id', async () => {
    const res = await h.fetch('/healthz', { headers: { 'X-Request-Id': 'checkout-42.a:b' } });
    expect(res.headers.get('x-request-id')).toBe('checkout-42.a:b');
  });

  it('replaces an invalid one and sets one on errors too', async () => {
    const res = await h.fetch('/nowhere', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health', () => {
  it('GET /healthz is 200 without a key', async () => {
    const res = await h.fetch('/healthz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when ready or degraded, 503 when not ready or when the check throws', async () => {
    const degraded = {
      ready: true,
      status: 'degraded' as const,
      checks: { store: { ok: false, detail: 'redis down' } },
    };
    h.gateway.readiness_ = degraded;
    let res = await h.fetch('/readyz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(degraded);

    h.gateway.readiness_ = { ready: false, status: 'not_ready', checks: { carriers: { ok: false } } };
    res = await h.fetch('/readyz', { key: null });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe('not_ready');

    h.gateway.readiness = async () => {
      throw new Error('boom');
    };
    res = await h.fetch('/readyz', { key: null });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe('not_ready');
  });
});
