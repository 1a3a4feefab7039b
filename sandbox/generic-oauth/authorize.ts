/**
 * GET /oauth/authorize: auto-approves, as a real server would after the user logs in and
 * consents, and redirects back with code and state (RFC 6749 4.1.2, RFC 7636).
 */
import type { AnyContext, SimContext } from '../kit/index.ts';
import { grantedScope, scopeAllowed } from './scopes.ts';

function redirect(to: string, params: Record<string, string | undefined>): Response {
  const url = new URL(to);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return new Response(null, {
    status: 302,
    headers: { location: url.toString(), 'cache-control': 'no-store' },
  });
}

const badRequest = (error: string, description: string): Response =>
  new Response(JSON.stringify({ error, error_description: description }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });

export function authorizeEndpoint(sim: SimContext) {
  return (c: AnyContext): Response => {
    const q = c.req.query();
    const account = q.client_id === undefined ? undefined : sim.accounts.byClientId(q.client_id);
    // Unknown client or bad redirect URI: never redirect (RFC 6749 4.1.2.1).
    if (!account) return badRequest('invalid_client', 'unknown client_id');
    const redirectUri = q.redirect_uri;
    if (redirectUri === undefined || !URL.canParse(redirectUri)) {
      return badRequest('invalid_request', 'redirect_uri is required and must be absolute');
    }
    const registered = account.settings?.redirectUris;
    if (registered !== undefined && !registered.split(' ').includes(redirectUri)) {
      return badRequest('invalid_request', 'redirect_uri is not registered for this client');
    }
    const state = q.state;
    if (q.response_type !== 'code')
      return redirect(redirectUri, { error: 'unsupported_response_type', state });
    if (!scopeAllowed(account, q.scope)) return redirect(redirectUri, { error: 'invalid_scope', state });
    const method = q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return redirect(redirectUri, {
        error: 'invalid_request',
        error_description: 'unsupported code_challenge_method',
        state,
      });
    }
    if (method !== undefined && q.code_challenge === undefined) {
      return redirect(redirectUri, {
        error: 'invalid_request',
        error_description: 'code_challenge is required',
        state,
      });
    }
    const code = sim.tokens.createCode(account, {
      ...(q.code_challenge !== undefined ? { codeChallenge: q.code_challenge } : {}),
      ...(method !== undefined ? { codeChallengeMethod: method } : {}),
      redirectUri,
      scope: grantedScope(account, q.scope),
    });
    return redirect(redirectUri, { code, state });
  };
}
