/**
 * Shared by the OAuth strategies: builds a token request with the profile's client
 * authentication, and turns a 2xx answer into a StoredToken (or a `malformed` verdict).
 */
import type { ResolvedAccount } from '../../config/account.ts';
import { type Classification, classifyAnswer } from '../classify.ts';
import { jwtTimes } from '../jwt.ts';
import { refreshTokenExpiresAt, tokenExpiresAt } from '../lifetime.ts';
import type { ClientAuthMethod, TokenEndpointAnswer, TokenErrorDecoder } from '../profile.ts';
import type { StoredToken } from '../types.ts';
import { joinUrl, sendTokenRequest, type TokenHttp } from './token-http.ts';

export type TokenOutcome = { ok: true; token: StoredToken } | { ok: false; failure: Classification };

export interface OAuthCall {
  account: ResolvedAccount;
  /** Token endpoint path and which host serves it. */
  path: string;
  host?: string | undefined;
  clientAuth: ClientAuthMethod;
  /** Grant parameters (grant_type, refresh_token, code, scope...). */
  params: Record<string, string>;
  decodeError?: TokenErrorDecoder | undefined;
  /** What is currently stored: a refresh answer without a refresh token keeps this one. */
  previous?: StoredToken | undefined;
}

export class MissingSettingError extends Error {
  constructor(what: string) {
    super(`account is missing ${what}`);
    this.name = 'MissingSettingError';
  }
}

export function baseUrlOf(account: ResolvedAccount, host: string | undefined): string {
  const url = account.baseUrls[host ?? 'default'];
  if (url === undefined) throw new MissingSettingError(`a base URL for host '${host ?? 'default'}'`);
  return url;
}

export function secretOf(account: ResolvedAccount, field: string): string {
  const value = account.secrets[field];
  if (value === undefined || value === '') throw new MissingSettingError(`the secret field '${field}'`);
  return value;
}

/** Adds client credentials the way the profile says; a client without a secret is public (PKCE). */
function withClientAuth(call: OAuthCall): {
  headers: Record<string, string>;
  body: string;
  contentType: string;
} {
  const clientId = secretOf(call.account, 'clientId');
  const clientSecret = call.account.secrets.clientSecret;
  const params: Record<string, string> = { ...call.params };
  const headers: Record<string, string> = {};
  if (clientSecret === undefined || clientSecret === '') {
    params.client_id = clientId;
  } else if (call.clientAuth === 'basic') {
    headers.authorization = `Basic ${base64Utf8(`${clientId}:${clientSecret}`)}`;
  } else {
    params.client_id = clientId;
    params.client_secret = clientSecret;
  }
  if (call.clientAuth === 'json') {
    return { headers, body: JSON.stringify(params), contentType: 'application/json' };
  }
  return {
    headers,
    body: new URLSearchParams(params).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

/** Base64 of the UTF-8 bytes (btoa alone only takes Latin-1). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A usable token from a 2xx answer, or undefined when the answer holds none. */
export function parseTokenAnswer(
  answer: TokenEndpointAnswer,
  receivedAt: number,
  previous?: StoredToken,
): StoredToken | undefined {
  const body = answer.json;
  if (!isRecord(body) || body.error !== undefined) return undefined;
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  const newRefresh =
    typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
  return {
    accessToken,
    tokenType: typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : 'Bearer',
    obtainedAt: receivedAt,
    expiresAt: tokenExpiresAt(receivedAt, body.expires_in, jwtTimes(accessToken)),
    // RFC 6749 section 6: no refresh token in the answer means the old one stays valid.
    refreshToken: newRefresh ?? previous?.refreshToken,
    refreshTokenExpiresAt:
      newRefresh !== undefined
        ? refreshTokenExpiresAt(receivedAt, body.refresh_token_expires_in)
        : previous?.refreshTokenExpiresAt,
    scope: typeof body.scope === 'string' ? body.scope : previous?.scope,
  };
}

/** Sends one OAuth token request and returns the token or the classified failure. */
export async function requestOAuthToken(http: TokenHttp, call: OAuthCall): Promise<TokenOutcome> {
  const { headers, body, contentType } = withClientAuth(call);
  const result = await sendTokenRequest(http, {
    url: joinUrl(baseUrlOf(call.account, call.host), call.path),
    method: 'POST',
    headers: { ...headers, 'content-type': contentType },
    body,
  });
  if (!result.ok) return result;
  const { answer, receivedAt } = result;
  if (answer.status >= 200 && answer.status < 300) {
    const token = parseTokenAnswer(answer, receivedAt, call.previous);
    if (token !== undefined) return { ok: true, token };
  }
  return { ok: false, failure: classifyAnswer(answer, http.now(), call.decodeError) };
}
