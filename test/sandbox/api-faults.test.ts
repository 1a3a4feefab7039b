/** Every api-target fault kind, and the bearer guard, observed over HTTP on the generic server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GenericServer, jsonOf, startGeneric } from './support.ts';

let g: GenericServer;
let bearer: string;

beforeAll(async () => {
  g = await startGeneric();
});
afterEach(async () => {
  await g.sandbox.control.reset();
});
afterAll(async () => {
  await g.sandbox.close();
});

async function freshToken(): Promise<string> {
  const body = await jsonOf(await g.token({ grant_type: 'client_credentials' }));
  return String(body.access_token);
}

const ping = (token: string, signal?: AbortSignal) =>
  fetch(`${g.base}/api/ping`, {
    headers: { authorization: `Bearer ${token}` },
    signal: signal ?? AbortSignal.timeout(10_000),
  });

/** Buys a label with the bearer and a derived payment token (both are required). */
async function buyLabel(reference: string, signal?: AbortSignal): Promise<Response> {
  const pay = await jsonOf(
    await fetch(`${g.base}/payments/authorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
    }),
  );
  return fetch(`${g.base}/api/labels`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'x-payment-authorization-token': String(pay.payment_token),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ reference, format: 'PDF' }),
    signal: signal ?? AbortSignal.timeout(10_000),
  });
}

describe('api guard and faults', () => {
  it('accepts a valid bearer token and refuses missing, unknown and revoked ones (RFC 6750)', async () => {
    bearer = await freshToken();
    expect((await ping(bearer)).status).toBe(200);
    const none = await fetch(`${g.base}/api/ping`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await ping('not-a-token')).status).toBe(401);
    await g.sandbox.control.revoke({ carrier: 'generic-oauth' });
    expect((await ping(bearer)).status).toBe(401);
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.apiCalls.ping).toEqual({ '200': 1, '401': 3 });
  });

  it('unauthorized: 401 although the token is valid (early death seen by the API)', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'unauthorized', count: 1 });
    expect((await ping(bearer)).status).toBe(401);
    expect((await ping(bearer)).status).toBe(200);
  });

  it('throttled: 429 with Retry-After', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'throttled', params: { retryAfter: 7 } });
    const res = await ping(bearer);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('server_error, html_error and malformed_json', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'server_error', count: 1, params: { status: 500 } });
    expect((await ping(bearer)).status).toBe(500);
    await g.inject({ target: 'api', kind: 'html_error', count: 1 });
    const html = await ping(bearer);
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toContain('text/html');
    await g.inject({ target: 'api', kind: 'malformed_json', count: 1 });
    const broken = await ping(bearer);
    expect(broken.status).toBe(200);
    expect(broken.headers.get('content-type')).toContain('application/json');
    const text = await broken.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('slow and hang', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'slow', count: 1, params: { delayMs: 5000 } });
    await expect(ping(bearer, AbortSignal.timeout(200))).rejects.toThrow();
    await g.inject({ target: 'api', kind: 'hang', count: 1 });
    await expect(ping(bearer, AbortSignal.timeout(200))).rejects.toThrow();
    expect((await ping(bearer)).status).toBe(200);
  });

  it('hang_after_processing: the label is created, but no answer ever comes', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'hang_after_processing', endpoint: 'label', count: 1 });
    const abort = new AbortController();
    let settled = false;
    const pending = buyLabel('order-1', abort.signal).finally(() => {
      settled = true;
    });
    // Wait (bounded) until the server has created the label; the answer must still be pending.
    for (let i = 0; i < 200 && (await g.sandbox.control.stats('generic-oauth')).labelsCreated === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.labelsCreated).toBe(1);
    expect(stats.labelsByReference).toEqual({ 'order-1': 1 });
    expect(settled).toBe(false);
    abort.abort();
    await expect(pending).rejects.toThrow();
  });

  it('reset_after_processing: the label is created, then the connection is reset', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'reset_after_processing', endpoint: 'label', count: 1 });
    const err = await buyLabel('order-2').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as TypeError).cause as { code?: string }).code).toBe('ECONNRESET');
    const labels = await g.sandbox.control.labels('generic-oauth');
    expect(labels.map((l) => l.reference)).toEqual(['order-2']);
  });

  it('reset_before_processing: the connection is reset before the route runs, so nothing is created', async () => {
    bearer = await freshToken();
    await g.inject({ target: 'api', kind: 'reset_before_processing', endpoint: 'label', count: 1 });
    const err = await buyLabel('order-4').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as TypeError).cause as { code?: string }).code).toBe('ECONNRESET');
    expect(await g.sandbox.control.labels('generic-oauth')).toEqual([]);
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.apiCalls.label).toEqual({ '0': 1 });
  });

  it('a label needs the derived payment token too, and tracking of it works', async () => {
    bearer = await freshToken();
    const withoutPayment = await fetch(`${g.base}/api/labels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(withoutPayment.status).toBe(401);
    const res = await buyLabel('order-3');
    expect(res.status).toBe(201);
    const label = await jsonOf(res);
    expect(Buffer.from(String(label.data), 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const track = await jsonOf(
      await fetch(`${g.base}/api/track/${label.trackingNumber}`, {
        headers: { authorization: `Bearer ${bearer}` },
      }),
    );
    expect(track.events).toEqual([expect.objectContaining({ status: 'pre_transit', code: 'LC' })]);
  });

  it('gzips JSON when the client accepts it and the route opts in', async () => {
    bearer = await freshToken();
    const { request } = await import('undici');
    const res = await request(`${g.base}/api/ping`, {
      headers: { authorization: `Bearer ${bearer}`, 'accept-encoding': 'gzip' },
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    const { gunzipSync } = await import('node:zlib');
    const raw = Buffer.from(await res.body.arrayBuffer());
    expect(JSON.parse(gunzipSync(raw).toString())).toEqual({ ok: true, account: 'default' });
  });
});
