/** Every token-target fault kind does what it says, observed over HTTP on the generic server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GenericServer, jsonOf, startGeneric } from './support.ts';

let g: GenericServer;
beforeAll(async () => {
  g = await startGeneric();
});
afterEach(async () => {
  await g.sandbox.control.reset();
});
afterAll(async () => {
  await g.sandbox.close();
});

const cc = { grant_type: 'client_credentials' };

describe('token faults', () => {
  it('serves a normal token when no fault is injected', async () => {
    const res = await g.token(cc);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.expires_in).toBe(3600);
  });

  it('error_body_200: HTTP 200 with an error body and no token', async () => {
    await g.inject({ target: 'token', kind: 'error_body_200' });
    const res = await g.token(cc);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.error).toBe('invalid_client');
    expect(body.access_token).toBeUndefined();
  });

  it.each([
    ['invalid_grant', 400],
    ['invalid_client', 401],
    ['invalid_scope', 400],
    ['unsupported_grant_type', 400],
  ] as const)('%s: RFC 6749 error JSON with status %i', async (kind, status) => {
    await g.inject({ target: 'token', kind });
    const res = await g.token(cc);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await jsonOf(res)).error).toBe(kind);
  });

  it('throttled: 429 with Retry-After in seconds, as an HTTP-date, or absent', async () => {
    await g.inject({ target: 'token', kind: 'throttled', count: 1, params: { retryAfter: 42 } });
    const seconds = await g.token(cc);
    expect(seconds.status).toBe(429);
    expect(seconds.headers.get('retry-after')).toBe('42');

    await g.inject({
      target: 'token',
      kind: 'throttled',
      count: 1,
      params: { retryAfter: 120, retryAfterFormat: 'date' },
    });
    const dated = await g.token(cc);
    expect(dated.status).toBe(429);
    const at = Date.parse(dated.headers.get('retry-after') ?? '');
    expect(at - Date.now()).toBeGreaterThan(60_000);

    await g.inject({ target: 'token', kind: 'throttled', count: 1, params: { retryAfterFormat: 'none' } });
    const bare = await g.token(cc);
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
  });

  it('server_error: 503 by default, or the status asked for', async () => {
    await g.inject({ target: 'token', kind: 'server_error', count: 1 });
    expect((await g.token(cc)).status).toBe(503);
    await g.inject({ target: 'token', kind: 'server_error', count: 1, params: { status: 502 } });
    const res = await g.token(cc);
    expect(res.status).toBe(502);
    expect((await jsonOf(res)).error).toBe('server_error');
  });

  it('html_error: an HTML page with the status (default 503)', async () => {
    await g.inject({ target: 'token', kind: 'html_error', count: 1, params: { status: 403 } });
    const res = await g.token(cc);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<html>');
  });

  it('malformed_json: 200, application/json, unparseable', async () => {
    await g.inject({ target: 'token', kind: 'malformed_json' });
    const res = await g.token(cc);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('json_as_text: an RFC 6749 error body served as text/plain', async () => {
    await g.inject({ target: 'token', kind: 'json_as_text' });
    const res = await g.token(cc);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(JSON.parse(await res.text()).error).toBe('temporarily_unavailable');
  });

  it('no_access_token: 200 without access_token', async () => {
    await g.inject({ target: 'token', kind: 'no_access_token' });
    const body = await jsonOf(await g.token(cc));
    expect(body).not.toHaveProperty('access_token');
    expect(body.token_type).toBe('Bearer');
  });

  it('missing_expires_in, expires_in_string, expires_in_zero bend expires_in', async () => {
    await g.inject({ target: 'token', kind: 'missing_expires_in', count: 1 });
    expect(await jsonOf(await g.token(cc))).not.toHaveProperty('expires_in');
    await g.inject({ target: 'token', kind: 'expires_in_string', count: 1 });
    expect((await jsonOf(await g.token(cc))).expires_in).toBe('3600');
    await g.inject({ target: 'token', kind: 'expires_in_zero', count: 1 });
    expect((await jsonOf(await g.token(cc))).expires_in).toBe(0);
  });

  it('short_lifetime: the token dies after N seconds while expires_in claims the normal lifetime', async () => {
    await g.inject({ target: 'token', kind: 'short_lifetime', params: { lifetimeSeconds: 0 } });
    const body = await jsonOf(await g.token(cc));
    expect(body.expires_in).toBe(3600);
    const ping = await fetch(`${g.base}/api/ping`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(ping.status).toBe(401);
    expect(ping.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('slow: holds the answer for the delay, then answers normally', async () => {
    // Generous margins: a 5 s delay outlasts a 200 ms client deadline; a 50 ms one does not.
    await g.inject({ target: 'token', kind: 'slow', count: 1, params: { delayMs: 5000 } });
    await expect(g.token(cc, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await g.inject({ target: 'token', kind: 'slow', count: 1, params: { delayMs: 50 } });
    expect((await g.token(cc)).status).toBe(200);
  });

  it('hang: never answers; the client gives up', async () => {
    await g.inject({ target: 'token', kind: 'hang' });
    await expect(g.token(cc, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.tokenCalls.default).toBe(1);
  });

  it('matches faults by account and endpoint, and counts them down', async () => {
    await g.inject({ target: 'token', kind: 'invalid_client', account: 'scoped' });
    await g.inject({ target: 'token', kind: 'server_error', endpoint: 'refresh', count: 1 });
    expect((await g.token(cc)).status).toBe(200); // other account, other endpoint
    const scoped = await g.token(cc, {
      headers: { authorization: `Basic ${btoa('scoped-client:scoped-secret')}` },
    });
    expect(scoped.status).toBe(401);
    const refresh = await g.token({ grant_type: 'refresh_token', refresh_token: 'whatever' });
    expect(refresh.status).toBe(503);
    const again = await g.token({ grant_type: 'refresh_token', refresh_token: 'whatever' });
    expect((await jsonOf(again)).error).toBe('invalid_grant'); // count spent: the real answer
  });
});
