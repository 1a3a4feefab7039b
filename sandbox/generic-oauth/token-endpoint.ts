/** POST /oauth/token of the generic OAuth server: four grants, faults, stats. */
import {
  type AnyContext,
  type AuthErrorRenderer,
  type Fault,
  type IssuedToken,
  issueOptionsFor,
  readParams,
  type SimAccount,
  type SimContext,
  shapeTokenBody,
  tokenFaults,
} from '../kit/index.ts';
import { identifyClient } from './client-auth.ts';
import { grantedScope, scopeAllowed } from './scopes.ts';

const LIFETIME_S = 3600;
const PUBLIC_CLIENT_GRANTS = new Set(['authorization_code', 'refresh_token']);

type Outcome = { token: IssuedToken } | { error: Response };

function formatOf(account: SimAccount): 'jwt' | 'opaque' {
  return account.settings?.tokenFormat === 'jwt' ? 'jwt' : 'opaque';
}

function grant(
  sim: SimContext,
  renderer: AuthErrorRenderer,
  account: SimAccount,
  params: Record<string, string>,
  payload: Fault | undefined,
): Outcome {
  const fail = (kind: 'invalid_grant' | 'invalid_request' | 'invalid_scope', message: string): Outcome => ({
    error: renderer.token(kind, { message }),
  });
  const issue = { lifetimeSeconds: LIFETIME_S, format: formatOf(account), ...issueOptionsFor(payload) };
  switch (params.grant_type) {
    case 'client_credentials':
      return { token: sim.tokens.issue(account, { ...issue, scope: grantedScope(account, params.scope) }) };
    case 'password': {
      if (params.username === undefined || params.password === undefined) {
        return fail('invalid_request', 'username and password are required');
      }
      if (params.username !== account.secrets.username || params.password !== account.secrets.password) {
        return fail('invalid_grant', 'invalid resource owner credentials');
      }
      const scope = grantedScope(account, params.scope);
      return { token: sim.tokens.issue(account, { ...issue, scope, withRefresh: true }) };
    }
    case 'authorization_code': {
      if (params.code === undefined) return fail('invalid_request', 'code is required');
      const redeemed = sim.tokens.redeemCode({
        code: params.code,
        ...(params.code_verifier !== undefined ? { codeVerifier: params.code_verifier } : {}),
        ...(params.redirect_uri !== undefined ? { redirectUri: params.redirect_uri } : {}),
      });
      if (!redeemed.ok) return fail('invalid_grant', `authorization code rejected: ${redeemed.reason}`);
      if (redeemed.account.id !== account.id)
        return fail('invalid_grant', 'code was issued to another client');
      return { token: sim.tokens.issue(account, { ...issue, scope: redeemed.scope, withRefresh: true }) };
    }
    case 'refresh_token': {
      if (params.refresh_token === undefined) return fail('invalid_request', 'refresh_token is required');
      const result = sim.tokens.refresh(params.refresh_token, {
        ...issue,
        ...(params.scope !== undefined ? { scope: params.scope } : {}),
      });
      if (!result.ok) return fail('invalid_grant', `refresh token ${result.reason}`);
      if (result.account.id !== account.id)
        return fail('invalid_grant', 'refresh token was issued to another client');
      return { token: result.token };
    }
    default:
      return { error: renderer.token('unsupported_grant_type') };
  }
}

export function tokenEndpoint(sim: SimContext, renderer: AuthErrorRenderer) {
  return async (c: AnyContext): Promise<Response> => {
    const params = await readParams(c);
    const grantType = params.grant_type ?? '(none)';
    const client = identifyClient(c, sim, params);
    const done = sim.stats.tokenCall(client.account?.id ?? '(unknown)', grantType, params);
    try {
      const endpoint = grantType === 'refresh_token' ? 'refresh' : 'token';
      const faulted = await tokenFaults(c, sim, renderer, { account: client.account?.id, endpoint });
      if (faulted.response) return faulted.response;

      if (params.grant_type === undefined)
        return renderer.token('invalid_request', { message: 'grant_type is required' });
      const publicClient = !client.presentedSecret && PUBLIC_CLIENT_GRANTS.has(params.grant_type);
      if (!client.account || !(client.secretValid || publicClient)) return renderer.token('invalid_client');
      const account = client.account;
      if (!scopeAllowed(account, params.scope)) return renderer.token('invalid_scope');

      const outcome = grant(sim, renderer, account, params, faulted.payload);
      if ('error' in outcome) return outcome.error;
      const { token } = outcome;
      const body = shapeTokenBody(
        {
          access_token: token.accessToken,
          token_type: 'Bearer',
          expires_in: token.expiresIn,
          scope: token.scope,
          ...(token.refreshToken !== undefined ? { refresh_token: token.refreshToken } : {}),
        },
        faulted.payload,
      );
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
      });
    } finally {
      done();
    }
  };
}
