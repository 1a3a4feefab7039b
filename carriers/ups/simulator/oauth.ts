/**
 * UPS OAuth twin: /security/v1/oauth/{authorize,token,refresh} (OAuthClientCredentials.yaml,
 * OAuthAuthCode.yaml). Every token field is a string; refresh always rotates the refresh token.
 */
import type { Hono } from 'hono';
import {
  type AnyContext,
  basicCredentials,
  type Fault,
  type IssuedToken,
  issueOptionsFor,
  readParams,
  type SimAccount,
  type SimContext,
  shapeTokenBody,
  tokenFaults,
} from '../../../sandbox/kit/index.ts';
import { SIM_ERRORS, schemaError, upsError, upsRenderer } from './errors.ts';

/**
 * Lifetimes UPS announces: access 14399 s (UPS-API/java-api-examples@c5ffb9a:oauth_ClientCredentials/readme.md),
 * refresh token 5183999 s, about 60 days (UPS-API/api-documentation@e6f36df:OAuthAuthCode.yaml).
 */
export const ACCESS_LIFETIME_S = 14399;
export const REFRESH_LIFETIME_S = 5183999;

/** Parameters safe to record in stats (never codes, verifiers or tokens). */
const SAFE_PARAMS = new Set(['grant_type', 'redirect_uri', 'scope']);
const safeParams = (params: Record<string, string>) =>
  Object.fromEntries(Object.entries(params).filter(([k]) => SAFE_PARAMS.has(k)));

const isForm = (c: AnyContext) =>
  (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/** The account whose client id and secret are in the Basic header, if they match. */
function basicAccount(c: AnyContext, sim: SimContext): SimAccount | undefined {
  const creds = basicCredentials(c);
  if (!creds) return undefined;
  for (const [id, secret] of [
    [creds.username, creds.password],
    [creds.rawUsername, creds.rawPassword],
  ] as const) {
    const account = sim.accounts.byClientId(id);
    if (account && account.secrets.clientSecret === secret) return account;
  }
  return undefined;
}

/**
 * UPS refresh tokens are single-use (UPS-API/api-documentation#90): unless a test chose a
 * rotation mode, the twin rotates strictly.
 */
function ensureRotation(sim: SimContext, accountId: string): void {
  const mode = sim.modes.get(accountId);
  if (!mode.strictRotation && !mode.rotateRefreshTokens) sim.modes.set(undefined, { strictRotation: true });
}

export function createOAuthState() {
  const refreshCounts = new Map<string, number>();
  return {
    refreshCount(family: string, increment: boolean): number {
      const n = (refreshCounts.get(family) ?? 0) + (increment ? 1 : 0);
      refreshCounts.set(family, n);
      return n;
    },
  };
}

function tokenBody(
  c: AnyContext,
  account: SimAccount,
  token: IssuedToken,
  refreshCount: number,
  payload: Fault | undefined,
): Response {
  const issuedAt = String(token.issuedAt);
  const body: Record<string, unknown> = {
    ...(token.refreshToken
      ? { refresh_token_expires_in: String(REFRESH_LIFETIME_S), refresh_token_status: 'approved' }
      : {}),
    token_type: 'Bearer',
    issued_at: issuedAt,
    client_id: account.secrets.clientId ?? '',
    access_token: token.accessToken,
    ...(token.refreshToken ? { refresh_token: token.refreshToken } : {}),
    scope: token.scope,
    ...(token.refreshToken ? { refresh_token_issued_at: issuedAt } : {}),
    expires_in: String(token.expiresIn),
    refresh_count: String(refreshCount),
    status: 'approved',
  };
  return c.json(shapeTokenBody(body, payload), 200, { 'cache-control': 'no-store' });
}

export function mountOAuth(app: Hono, sim: SimContext): void {
  const state = createOAuthState();

  // The real endpoint 302s to the UPS login page; the sandbox user consents at once.
  app.get('/security/v1/oauth/authorize', (c) => {
    const q = c.req.query();
    for (const field of ['client_id', 'redirect_uri', 'response_type'] as const) {
      if (!q[field]) return upsError(400, schemaError(field));
    }
    if (q.response_type !== 'code') return upsError(400, schemaError('response_type'));
    const account = sim.accounts.byClientId(q.client_id ?? '');
    if (!account) return upsError(401, SIM_ERRORS.invalidAuthentication);
    const code = sim.tokens.createCode(account, {
      redirectUri: q.redirect_uri,
      ...(q.scope ? { scope: q.scope } : {}),
      // UPS: code_challenge = BASE64URL(SHA256(code_verifier)); no method parameter exists.
      ...(q.code_challenge ? { codeChallenge: q.code_challenge, codeChallengeMethod: 'S256' } : {}),
    });
    const target = new URL(q.redirect_uri ?? '');
    target.searchParams.set('code', code);
    if (q.state) target.searchParams.set('state', q.state);
    return c.redirect(target.toString(), 302);
  });

  app.post('/security/v1/oauth/token', async (c) => {
    const params = await readParams(c);
    const grant = params.grant_type ?? '';
    // PKCE: no Basic header, client_id (and code_verifier) in the body.
    const basic = basicAccount(c, sim);
    const publicClient =
      !c.req.header('authorization') && grant === 'authorization_code' && params.client_id
        ? sim.accounts.byClientId(params.client_id)
        : undefined;
    const account = basic ?? publicClient;
    const done = sim.stats.tokenCall(account?.id ?? '(unknown)', grant || '(none)', safeParams(params));
    try {
      const { response, payload } = await tokenFaults(c, sim, upsRenderer, {
        account: account?.id,
        endpoint: 'token',
      });
      if (response) return response;
      if (!isForm(c) || !grant) return upsError(400, schemaError('grant_type'));
      if (!account) return upsError(401, SIM_ERRORS.invalidAuthentication);
      if (grant === 'client_credentials') {
        if (!basic) return upsError(401, SIM_ERRORS.invalidAuthentication);
        const token = sim.tokens.issue(account, {
          lifetimeSeconds: ACCESS_LIFETIME_S,
          ...issueOptionsFor(payload),
        });
        return tokenBody(c, account, token, 0, payload);
      }
      if (grant === 'authorization_code') {
        if (!params.code) return upsError(400, schemaError('code'));
        if (!params.redirect_uri) return upsError(400, schemaError('redirect_uri'));
        if (!basic && !params.code_verifier) return upsError(400, schemaError('code_verifier'));
        const redeemed = sim.tokens.redeemCode({
          code: params.code,
          redirectUri: params.redirect_uri,
          ...(params.code_verifier ? { codeVerifier: params.code_verifier } : {}),
        });
        if (!redeemed.ok || redeemed.account.id !== account.id) {
          return upsError(401, { code: '250002', message: 'Invalid Authorization Code' });
        }
        const token = sim.tokens.issue(account, {
          scope: redeemed.scope,
          withRefresh: true,
          lifetimeSeconds: ACCESS_LIFETIME_S,
          refreshLifetimeSeconds: REFRESH_LIFETIME_S,
          ...issueOptionsFor(payload),
        });
        return tokenBody(c, account, token, state.refreshCount(token.family, false), payload);
      }
      return upsError(400, schemaError('grant_type'));
    } finally {
      done();
    }
  });

  app.post('/security/v1/oauth/refresh', async (c) => {
    const params = await readParams(c);
    const account = basicAccount(c, sim);
    const done = sim.stats.tokenCall(account?.id ?? '(unknown)', 'refresh_token', safeParams(params));
    try {
      const { response, payload } = await tokenFaults(c, sim, upsRenderer, {
        account: account?.id,
        endpoint: 'refresh',
      });
      if (response) return response;
      if (!isForm(c) || params.grant_type !== 'refresh_token')
        return upsError(400, schemaError('grant_type'));
      if (!params.refresh_token) return upsError(400, schemaError('refresh_token'));
      if (!account) return upsError(401, SIM_ERRORS.invalidAuthentication);
      ensureRotation(sim, account.id);
      const result = sim.tokens.refresh(params.refresh_token, {
        lifetimeSeconds: ACCESS_LIFETIME_S,
        refreshLifetimeSeconds: REFRESH_LIFETIME_S,
        ...issueOptionsFor(payload),
      });
      if (!result.ok || result.account.id !== account.id)
        return upsError(401, SIM_ERRORS.invalidRefreshToken);
      return tokenBody(c, account, result.token, state.refreshCount(result.token.family, true), payload);
    } finally {
      done();
    }
  });
}
