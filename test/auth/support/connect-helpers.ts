/**
 * Seeds an authorization-code account the way a real operator would: authorize at the
 * simulator with a PKCE challenge, follow its redirect, exchange the code, store the tokens.
 */

import type { Sandbox } from '../../../sandbox/server.ts';
import type { Broker } from '../../../src/auth/broker.ts';
import { cacheKey, keyPartsOf } from '../../../src/auth/cache-key.ts';
import { codeChallengeS256, createCodeVerifier } from '../../../src/auth/pkce.ts';
import { exchangeAuthorizationCode } from '../../../src/auth/strategies/authorization-code.ts';
import { tokenTransport } from '../../../src/auth/strategies/token-http.ts';
import type { StoredToken, TokenStore } from '../../../src/auth/types.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import { CARRIER } from './harness.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';

export async function connectAccount(
  sandbox: Sandbox,
  broker: Broker,
  account: ResolvedAccount,
): Promise<StoredToken> {
  const verifier = createCodeVerifier();
  const url = new URL(`${sandbox.baseUrl(CARRIER)}/oauth/authorize`);
  url.searchParams.set('client_id', account.secrets.clientId ?? '');
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', REDIRECT);
  url.searchParams.set('state', 'seed');
  url.searchParams.set('code_challenge', await codeChallengeS256(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || location === null) throw new Error(`authorize answered ${res.status}`);
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error('no code in the redirect');
  const method = {
    kind: 'authorization_code' as const,
    tokenPath: '/oauth/token',
    authorizeUrlPath: '/oauth/authorize',
    clientAuth: 'basic' as const,
    rotatesRefreshToken: true,
  };
  const outcome = await exchangeAuthorizationCode(
    { send: tokenTransport(), timeoutMs: 10_000, now: Date.now },
    method,
    account,
    { code, codeVerifier: verifier, redirectUri: REDIRECT },
  );
  if (!outcome.ok) throw new Error(`code exchange failed: ${outcome.failure.reason}`);
  await broker.storeAuthorization(account, outcome.token);
  return outcome.token;
}

export async function storeKeyOf(
  account: ResolvedAccount,
  name = 'primary',
  scope?: string,
): Promise<string> {
  return cacheKey(keyPartsOf(account, name, scope));
}

/** What the store holds for the account's primary token (the only key in these tests' stores). */
export async function storedValue(
  store: TokenStore,
  account?: ResolvedAccount,
  scope?: string,
): Promise<StoredToken | undefined> {
  if (account === undefined) {
    const keys = (store as { keys?: () => string[] }).keys?.();
    if (keys === undefined || keys.length !== 1)
      throw new Error('pass the account: the store holds several keys');
    return (await store.get(keys[0] as string))?.value;
  }
  return (await store.get(await storeKeyOf(account, 'primary', scope)))?.value;
}
