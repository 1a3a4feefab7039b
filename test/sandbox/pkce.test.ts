/** Authorization code + PKCE over real HTTP: authorize -> redirect -> code -> token. */
import { createHash, randomBytes } from 'node:crypto';
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

const REDIRECT = 'http://127.0.0.1:9/callback';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  // Computed here independently of the kit, per RFC 7636 4.2.
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

async function authorize(query: Record<string, string>): Promise<URL> {
  const url = new URL(`${g.base}/oauth/authorize`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

const codeFor = async (challenge: string, method = 'S256'): Promise<string> => {
  const back = await authorize({
    response_type: 'code',
    client_id: 'generic-client',
    redirect_uri: REDIRECT,
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: method,
  });
  expect(back.searchParams.get('state')).toBe('xyz');
  return back.searchParams.get('code') ?? '';
};

/** A public client: client_id in the body, no secret, no Basic header. */
const exchange = (code: string, verifier: string | undefined, redirect = REDIRECT) =>
  g.token(
    {
      grant_type: 'authorization_code',
      client_id: 'generic-client',
      code,
      redirect_uri: redirect,
      ...(verifier !== undefined ? { code_verifier: verifier } : {}),
    },
    { headers: { authorization: '' } },
  );

describe('PKCE', () => {
  it('S256: the right verifier gets tokens (with a refresh token), once', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));
    const replay = await exchange(code, verifier);
    expect((await jsonOf(replay)).error).toBe('invalid_grant');
  });

  it('S256: a wrong verifier, a missing verifier and a wrong redirect_uri are refused', async () => {
    const { challenge } = pkcePair();
    const wrong = await exchange(await codeFor(challenge), pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect((await jsonOf(wrong)).error).toBe('invalid_grant');
    expect((await jsonOf(await exchange(await codeFor(challenge), undefined))).error).toBe('invalid_grant');
    const { verifier, challenge: c2 } = pkcePair();
    const redirect = await exchange(await codeFor(c2), verifier, 'http://127.0.0.1:9/elsewhere');
    expect((await jsonOf(redirect)).error).toBe('invalid_grant');
  });

  it('plain method compares the verifier itself', async () => {
    const verifier = randomBytes(40).toString('base64url');
    expect((await exchange(await codeFor(verifier, 'plain'), verifier)).status).toBe(200);
  });

  it('authorize refuses an unknown client without redirecting and reports bad scopes by redirect', async () => {
    const unknown = await fetch(
      `${g.base}/oauth/authorize?response_type=code&client_id=nope&redirect_uri=${REDIRECT}`,
      {
        redirect: 'manual',
      },
    );
    expect(unknown.status).toBe(400);
    const back = await authorize({
      response_type: 'code',
      client_id: 'scoped-client',
      redirect_uri: REDIRECT,
      scope: 'admin',
      state: 's1',
    });
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    expect(back.searchParams.get('state')).toBe('s1');
  });
});
