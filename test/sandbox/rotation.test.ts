/** Refresh-token modes: strict single-use rotation with family revocation, lenient, none. */
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

/** A first token pair through the password grant (it issues a refresh token). */
async function login(): Promise<{ access: string; refresh: string }> {
  const body = await jsonOf(await g.token({ grant_type: 'password', username: 'user', password: 'pass' }));
  return { access: String(body.access_token), refresh: String(body.refresh_token) };
}
const refresh = (rt: string) => g.token({ grant_type: 'refresh_token', refresh_token: rt });
const pingStatus = async (token: string) =>
  (await fetch(`${g.base}/api/ping`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('refresh token rotation', () => {
  it('strict rotation: each refresh spends the token; reuse revokes the whole family and is counted', async () => {
    await g.sandbox.control.setMode({ carrier: 'generic-oauth', account: 'default', strictRotation: true });
    const first = await login();
    const second = await jsonOf(await refresh(first.refresh));
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh);
    const third = await jsonOf(await refresh(String(second.refresh_token)));
    expect(await pingStatus(String(third.access_token))).toBe(200);

    // Reusing the spent first refresh token: refused, counted, and the family dies.
    const reuse = await refresh(first.refresh);
    expect(reuse.status).toBe(400);
    expect((await jsonOf(reuse)).error).toBe('invalid_grant');
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.refreshTokenReuse).toEqual({ default: 1 });
    expect(await pingStatus(String(third.access_token))).toBe(401);
    expect((await refresh(String(third.refresh_token))).status).toBe(400);
    // Another family of the same account is untouched.
    const other = await login();
    expect(await pingStatus(other.access)).toBe(200);
  });

  it('no rotation (default): the same refresh token comes back and stays usable', async () => {
    const first = await login();
    const a = await jsonOf(await refresh(first.refresh));
    const b = await jsonOf(await refresh(first.refresh));
    expect(a.refresh_token).toBe(first.refresh);
    expect(b.refresh_token).toBe(first.refresh);
    expect((await g.sandbox.control.stats('generic-oauth')).refreshTokenReuse).toEqual({});
  });

  it('lenient rotation: a new refresh token each time, old ones keep working', async () => {
    await g.sandbox.control.setMode({ carrier: 'generic-oauth', rotateRefreshTokens: true });
    const first = await login();
    const a = await jsonOf(await refresh(first.refresh));
    expect(a.refresh_token).not.toBe(first.refresh);
    expect((await refresh(first.refresh)).status).toBe(200);
  });

  it('tokenLifetimeSeconds mode overrides expires_in', async () => {
    await g.sandbox.control.setMode({
      carrier: 'generic-oauth',
      account: 'default',
      tokenLifetimeSeconds: 60,
    });
    expect((await jsonOf(await g.token({ grant_type: 'client_credentials' }))).expires_in).toBe(60);
  });

  it('revoke via the control API kills refresh tokens too', async () => {
    const first = await login();
    await g.sandbox.control.revoke({ carrier: 'generic-oauth', account: 'default' });
    expect((await refresh(first.refresh)).status).toBe(400);
    expect(await pingStatus(first.access)).toBe(401);
  });

  it('RFC 7009 revoke endpoint revokes one token', async () => {
    const first = await login();
    const res = await fetch(`${g.base}/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa('generic-client:generic-secret')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: first.access }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await pingStatus(first.access)).toBe(401);
    expect((await refresh(first.refresh)).status).toBe(200);
  });
});
