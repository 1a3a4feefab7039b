/**
 * Caller authentication over real HTTP: /v1/* needs a caller (or admin) key, /admin/* an
 * admin key, the connect callback and public pages none; routes mounted through
 * extraRoutes get the same rules and the same problem+json error handling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProblem } from '../../src/api/problem.ts';
import { ADMIN_KEY, API_KEY, type Harness, jsonPost, problemOf, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    extraRoutes: (app) => {
      app.get('/admin/breakers', (c) => c.json({ role: c.get('role') }));
      app.post('/admin/revoke', async (c) => c.json({ revoked: true, body: await c.req.json() }));
      app.get('/v1/connect/:carrier/:account/start', (c) => c.json({ start: c.req.param('carrier') }));
      app.get('/v1/connect/:carrier/:account/callback', (c) => c.text(`connected ${c.req.param('account')}`));
      app.get('/v1/connect/:carrier/:account/fail', () => {
        throw new ApiProblem('not-found', 'no such connect session');
      });
      app.get('/v1/boom', () => {
        throw new TypeError('extra route bug');
      });
    },
  });
});
afterAll(() => h.close());

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  expect((await problemOf(res)).type).toBe('/problems/unauthorized');
}

describe('caller keys on /v1/*', () => {
  it('missing key: 401', async () => {
    await expect401(await h.fetch('/v1/carriers', { key: null }));
  });

  it('wrong key, a key prefix, a key with a suffix, another scheme: 401', async () => {
    await expect401(await h.fetch('/v1/carriers', { key: 'wrong' }));
    await expect401(await h.fetch('/v1/carriers', { key: API_KEY.slice(0, -1) }));
    await expect401(await h.fetch('/v1/carriers', { key: `${API_KEY}x` }));
    await expect401(
      await h.fetch('/v1/carriers', { key: null, headers: { Authorization: `Basic ${API_KEY}` } }),
    );
    await expect401(await h.fetch('/v1/carriers', { key: null, headers: { Authorization: 'Bearer' } }));
  });

  it('the caller key and the admin key are both accepted; the scheme is case-insensitive', async () => {
    expect((await h.fetch('/v1/carriers')).status).toBe(200);
    expect((await h.fetch('/v1/carriers', { key: ADMIN_KEY })).status).toBe(200);
    expect(
      (await h.fetch('/v1/carriers', { key: null, headers: { Authorization: `bearer ${API_KEY}` } })).status,
    ).toBe(200);
  });

  it('routes added through extraRoutes under /v1 need the key too', async () => {
    await expect401(await h.fetch('/v1/connect/acme/main/start', { key: null }));
    expect((await h.fetch('/v1/connect/acme/main/start')).status).toBe(200);
  });

  it('the connect callback needs no key (the carrier redirects a browser there)', async () => {
    const res = await h.fetch('/v1/connect/acme/main/callback?code=abc&state=xyz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('connected main');
  });

  it('extra routes get the same problem+json error handling', async () => {
    const notFound = await h.fetch('/v1/connect/acme/main/fail');
    expect(notFound.status).toBe(404);
    expect((await problemOf(notFound)).type).toBe('/problems/not-found');
    const bug = await h.fetch('/v1/boom');
    expect(bug.status).toBe(500);
    const p = await problemOf(bug);
    expect(p.type).toBe('/problems/internal');
    expect(JSON.stringify(p)).not.toContain('extra route bug');
  });
});

describe('admin keys on /admin/*', () => {
  it('missing or unknown key: 401; caller key: 403; admin key: 200', async () => {
    await expect401(await h.fetch('/admin/breakers', { key: null }));
    await expect401(await h.fetch('/admin/breakers', { key: 'nope' }));
    const forbidden = await h.fetch('/admin/breakers');
    expect(forbidden.status).toBe(403);
    expect((await problemOf(forbidden)).type).toBe('/problems/forbidden');
    const ok = await h.fetch('/admin/breakers', { key: ADMIN_KEY });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ role: 'admin' });
  });

  it('path tricks (double slash, case) do not bypass the admin check', async () => {
    for (const path of ['//admin/breakers', '/Admin/breakers', '/ADMIN//breakers']) {
      const res = await h.fetch(path);
      expect(res.status, path).toBe(403);
    }
  });

  it('admin POST bodies go through the same JSON and size checks', async () => {
    const ok = await h.fetch('/admin/revoke', { ...jsonPost({ carrier: 'acme' }), key: ADMIN_KEY });
    expect(await ok.json()).toEqual({ revoked: true, body: { carrier: 'acme' } });
    const wrongType = await h.fetch('/admin/revoke', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
      key: ADMIN_KEY,
    });
    expect(wrongType.status).toBe(415);
    const tooBig = await h.fetch('/admin/revoke', { ...jsonPost(' '.repeat(300_000)), key: ADMIN_KEY });
    expect(tooBig.status).toBe(413);
  });
});

describe('public paths', () => {
  it('/healthz, /readyz, /openapi.json, /docs and /problems/* need no key', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs', '/problems/validation']) {
      const res = await h.fetch(path, { key: null });
      expect(res.status, path).toBe(200);
    }
  });
});
