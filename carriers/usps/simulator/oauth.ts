/**
 * /oauth2/v3/token, /oauth2/v3/authorize and /oauth2/v3/revoke as USPS serves them: client id
 * and secret in the body (JSON, or form), client_credentials, authorization_code with PKCE and
 * refresh_token grants, 8-hour JWT access tokens, rotating refresh tokens, and the quota of 60
 * token calls an hour per account, really counted, answered 429 with Retry-After.
 */
import type { Context, Hono } from 'hono';
import {
  issueOptionsFor,
  readParams,
  type SimAccount,
  type SimContext,
  shapeTokenBody,
  tokenFaults,
} from '../../../sandbox/kit/index.ts';
import { throttledResponse, uspsRenderer } from './errors.ts';

/** Recorded lifetimes: "expires_in":28799 for access tokens; refresh tokens live 7 days. */
export const ACCESS_TOKEN_SECONDS = 28_799;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 3600;
export const TOKEN_CALLS_PER_HOUR = 60;
const HOUR_MS = 3_600_000;

/** The API products a sandbox app holds (scope granted when none is asked). */
export const USPS_PRODUCTS = [
  'addresses',
  'international-prices',
  'payments',
  'tracking',
  'labels',
  'prices',
  'international-labels',
  'shipments',
];

const SECRET_PARAMS = new Set(['client_secret', 'code', 'code_verifier', 'refresh_token', 'client_id']);

const renderer = uspsRenderer('/oauth2/v3');

/** Token calls of the account in the last hour that the quota let through (the stats are the count). */
function callsInLastHour(sim: SimContext, accountId: string): { count: number; oldest?: number } {
  const since = sim.clock() - HOUR_MS;
  const calls = sim.stats
    .snapshot()
    .tokenRequests.filter((r) => r.account === accountId && r.at > since && r.params.quota !== 'exceeded');
  return calls.length ? { count: calls.length, oldest: calls[0]?.at } : { count: 0 };
}

function grantedScope(account: SimAccount, requested: string | undefined): string | undefined {
  const allowed = (account.settings?.allowedScopes ?? USPS_PRODUCTS.join(' ')).split(/\s+/);
  if (!requested?.trim()) return allowed.join(' ');
  const asked = requested.trim().split(/\s+/);
  return asked.every((s) => allowed.includes(s)) ? asked.join(' ') : undefined;
}

function tokenBody(
  account: SimAccount,
  token: ReturnType<SimContext['tokens']['issue']>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: token.accessToken,
    token_type: 'Bearer',
    issued_at: token.issuedAt,
    expires_in: token.expiresIn,
    status: 'approved',
    scope: token.scope,
    issuer: 'https://cat-keyc.usps.com/realms/USPS',
    client_id: account.secrets.clientId,
    application_name: `Sandbox ${account.id}`,
    api_products: '[Public Access]',
    public_key: 'LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0=',
  };
  if (token.refreshToken) {
    Object.assign(body, {
      refresh_token: token.refreshToken,
      refresh_token_issued_at: token.issuedAt,
      refresh_token_status: 'approved',
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      refresh_count: 0,
    });
  }
  return body;
}

async function token(c: Context, sim: SimContext): Promise<Response> {
  const params = await readParams(c);
  const grant = params.grant_type ?? '(none)';
  const account = params.client_id ? sim.accounts.byClientId(params.client_id) : undefined;
  const accountId = account?.id ?? '(unknown)';
  const visible = Object.fromEntries(Object.entries(params).filter(([k]) => !SECRET_PARAMS.has(k)));

  if (account) {
    const window = callsInLastHour(sim, account.id);
    if (window.count >= TOKEN_CALLS_PER_HOUR) {
      sim.stats.tokenCall(account.id, grant, { ...visible, quota: 'exceeded' })();
      const wait = Math.max(1, Math.ceil(((window.oldest ?? sim.clock()) + HOUR_MS - sim.clock()) / 1000));
      return throttledResponse(
        '/oauth2/v3',
        { retryAfterSeconds: wait, retryAfterHeader: String(wait) },
        'Quota of 60 calls per hour exceeded.',
      );
    }
  }
  const done = sim.stats.tokenCall(accountId, grant, visible);
  try {
    const endpoint = grant === 'refresh_token' ? 'refresh' : 'token';
    const fault = await tokenFaults(c, sim, renderer, { account: account?.id, endpoint });
    if (fault.response) return fault.response;
    if (!account || params.client_secret !== account.secrets.clientSecret)
      return renderer.token('invalid_client');
    const common = {
      lifetimeSeconds: ACCESS_TOKEN_SECONDS,
      format: 'jwt' as const,
      ...issueOptionsFor(fault.payload),
    };
    const answer = (issued: ReturnType<SimContext['tokens']['issue']>) =>
      c.json(shapeTokenBody(tokenBody(account, issued), fault.payload), 200, { 'cache-control': 'no-store' });

    if (grant === 'client_credentials') {
      const scope = grantedScope(account, params.scope);
      if (scope === undefined) return renderer.token('invalid_scope');
      return answer(sim.tokens.issue(account, { ...common, scope }));
    }
    if (grant === 'authorization_code') {
      if (!params.code) return renderer.token('invalid_request');
      const redeemed = sim.tokens.redeemCode({
        code: params.code,
        ...(params.code_verifier ? { codeVerifier: params.code_verifier } : {}),
        ...(params.redirect_uri ? { redirectUri: params.redirect_uri } : {}),
      });
      if (!redeemed.ok || redeemed.account.id !== account.id) return renderer.token('invalid_grant');
      return answer(
        sim.tokens.issue(account, {
          ...common,
          scope: redeemed.scope,
          withRefresh: true,
          refreshLifetimeSeconds: REFRESH_TOKEN_SECONDS,
        }),
      );
    }
    if (grant === 'refresh_token') {
      if (!params.refresh_token) return renderer.token('invalid_request');
      // USPS issues a new refresh token on every refresh: rotation is this carrier's default.
      const mode = sim.modes.get(account.id);
      if (!mode.strictRotation && !mode.rotateRefreshTokens)
        sim.modes.set(account.id, { rotateRefreshTokens: true });
      const refreshed = sim.tokens.refresh(params.refresh_token, common);
      if (!refreshed.ok || refreshed.account.id !== account.id) return renderer.token('invalid_grant');
      return answer(refreshed.token);
    }
    return renderer.token('unsupported_grant_type');
  } finally {
    done();
  }
}

/** Auto-approves (as a real login would) and redirects back with the code and state. */
function authorize(c: Context, sim: SimContext): Response {
  const q = c.req.query();
  const account = q.client_id ? sim.accounts.byClientId(q.client_id) : undefined;
  if (!account || q.response_type !== 'code' || !q.redirect_uri) {
    return c.json(
      { error: 'invalid_request', error_description: 'unknown client_id or missing redirect_uri' },
      400,
    );
  }
  const target = new URL(q.redirect_uri);
  const scope = grantedScope(account, q.scope);
  if (scope === undefined) {
    target.searchParams.set('error', 'invalid_scope');
  } else {
    const code = sim.tokens.createCode(account, {
      redirectUri: q.redirect_uri,
      scope,
      ...(q.code_challenge ? { codeChallenge: q.code_challenge } : {}),
      ...(q.code_challenge_method ? { codeChallengeMethod: q.code_challenge_method } : {}),
    });
    target.searchParams.set('code', code);
  }
  if (q.state) target.searchParams.set('state', q.state);
  return c.redirect(target.toString(), 302);
}

async function revoke(c: Context, sim: SimContext): Promise<Response> {
  const params = await readParams(c);
  const account = params.client_id ? sim.accounts.byClientId(params.client_id) : undefined;
  if (!account || params.client_secret !== account.secrets.clientSecret)
    return renderer.token('invalid_client');
  if (params.token) sim.tokens.revoke(params.token);
  return c.body(null, 200);
}

export function mountOAuth(app: Hono, sim: SimContext): void {
  app.post('/oauth2/v3/token', (c) => token(c, sim));
  app.get('/oauth2/v3/authorize', (c) => authorize(c, sim));
  app.post('/oauth2/v3/revoke', (c) => revoke(c, sim));
}
