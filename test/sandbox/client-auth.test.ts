/** Client authentication styles, grants, scope checks and request recording (chaos D1, D2). */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basic, type GenericServer, jsonOf, startGeneric } from './support.ts';

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

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${g.base}/oauth/token`, { method: 'POST', headers, body });

describe('client authentication', () => {
  it('accepts HTTP Basic, form body and JSON body credentials', async () => {
    const viaBasic = await g.token({ grant_type: 'client_credentials' });
    const viaForm = await post(
      'grant_type=client_credentials&client_id=generic-client&client_secret=generic-secret',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    const viaJson = await post(
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'generic-client',
        client_secret: 'generic-secret',
      }),
      { 'content-type': 'application/json' },
    );
    expect([viaBasic.status, viaForm.status, viaJson.status]).toEqual([200, 200, 200]);
  });

  it('refuses a wrong secret, an unknown client and no credentials with invalid_client', async () => {
    for (const res of [
      await g.token(
        { grant_type: 'client_credentials' },
        { headers: { authorization: basic('generic-client', 'nope') } },
      ),
      await g.token(
        { grant_type: 'client_credentials' },
        { headers: { authorization: basic('who', 'generic-secret') } },
      ),
      await post('grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' }),
    ]) {
      expect(res.status).toBe(401);
      expect((await jsonOf(res)).error).toBe('invalid_client');
    }
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.tokenCalls['(unknown)']).toBe(2);
  });

  it('D2: a secret with + / = : works through Basic, form-encoded or raw', async () => {
    const secret = 'a+b/c=d:e';
    await g.sandbox.control.addAccount('generic-oauth', {
      id: 'odd',
      secrets: { clientId: 'odd-client', clientSecret: secret },
    });
    const encoded = `Basic ${btoa(`odd-client:${encodeURIComponent(secret)}`)}`;
    const raw = basic('odd-client', secret);
    expect(
      (await g.token({ grant_type: 'client_credentials' }, { headers: { authorization: encoded } })).status,
    ).toBe(200);
    expect(
      (await g.token({ grant_type: 'client_credentials' }, { headers: { authorization: raw } })).status,
    ).toBe(200);
  });

  it('password grant checks the resource owner', async () => {
    expect((await g.token({ grant_type: 'password', username: 'user', password: 'pass' })).status).toBe(200);
    const bad = await g.token({ grant_type: 'password', username: 'user', password: 'wrong' });
    expect((await jsonOf(bad)).error).toBe('invalid_grant');
  });

  it('unknown and missing grant types', async () => {
    expect((await jsonOf(await g.token({ grant_type: 'device_code' }))).error).toBe('unsupported_grant_type');
    expect((await jsonOf(await g.token({}))).error).toBe('invalid_request');
  });

  it('a client with allowed scopes gets invalid_scope for others', async () => {
    const scoped = { authorization: basic('scoped-client', 'scoped-secret') };
    const ok = await g.token(
      { grant_type: 'client_credentials', scope: 'rates labels' },
      { headers: scoped },
    );
    expect((await jsonOf(ok)).scope).toBe('rates labels');
    const dflt = await g.token({ grant_type: 'client_credentials' }, { headers: scoped });
    expect((await jsonOf(dflt)).scope).toBe('rates');
    const bad = await g.token(
      { grant_type: 'client_credentials', scope: 'rates admin' },
      { headers: scoped },
    );
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error).toBe('invalid_scope');
  });

  it('D1: records grant and request parameters (scope, audience), never secrets', async () => {
    await g.token({ grant_type: 'client_credentials', scope: 'ship', audience: 'https://api.example' });
    await g.token({ grant_type: 'password', username: 'user', password: 'pass' });
    const stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.tokenCallsByGrant.default).toEqual({ client_credentials: 1, password: 1 });
    expect(stats.tokenRequests[0]?.params).toEqual({
      grant_type: 'client_credentials',
      scope: 'ship',
      audience: 'https://api.example',
    });
    expect(JSON.stringify(stats)).not.toContain('pass"');
    expect(stats.tokenRequests[1]?.params).not.toHaveProperty('password');
  });

  it('JWT-shaped tokens for accounts that ask for them', async () => {
    await g.sandbox.control.addAccount('generic-oauth', {
      id: 'jwt',
      secrets: { clientId: 'jwt-client', clientSecret: 'jwt-secret' },
      settings: { tokenFormat: 'jwt' },
    });
    const res = await g.token(
      { grant_type: 'client_credentials', scope: 's' },
      { headers: { authorization: basic('jwt-client', 'jwt-secret') } },
    );
    const token = String((await jsonOf(res)).access_token);
    const [head, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(head ?? '', 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'jwt', scope: 's', client_id: 'jwt-client' });
    expect(claims.exp - claims.iat).toBe(3600);
    const ping = await fetch(`${g.base}/api/ping`, { headers: { authorization: `Bearer ${token}` } });
    expect(ping.status).toBe(200);
  });
});
