/**
 * The PKCE connect flow for authorization-code accounts: send the operator to the carrier's
 * login with a fresh verifier and a single-use state, then exchange the returned code and
 * store the refresh token through the broker's compare-and-set path.
 */
import { Hono } from 'hono';
import type { ResolvedAccount } from '../config/account.ts';
import type { ControlStore } from '../control/types.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';
import { mentionsSecret } from './auth-error.ts';
import { safeCode } from './classify.ts';
import { connectProblem } from './connect-problems.ts';
import { createConnectStates } from './connect-state.ts';
import { codeChallengeS256, createCodeVerifier, randomUrlSafe } from './pkce.ts';
import type { AuthorizationCodeAuth, CarrierAuthProfile } from './profile.ts';
import { exchangeAuthorizationCode } from './strategies/authorization-code.ts';
import { baseUrlOf, MissingSettingError, secretOf } from './strategies/oauth-token.ts';
import { joinUrl, tokenTransport } from './strategies/token-http.ts';
import type { StoredToken } from './types.ts';

export interface ConnectDeps {
  broker: { storeAuthorization(account: ResolvedAccount, token: StoredToken): Promise<void> };
  findAccount(carrier: string, id: string): ResolvedAccount | undefined;
  profileOf(carrier: string): CarrierAuthProfile;
  /** The gateway's public origin: the callback URL the carrier redirects to is built from it. */
  publicBaseUrl: string;
  /** Where pending authorizations live (shared: the callback may reach another instance). */
  control: ControlStore;
  /** How the code exchange is sent (the runtime's transport); else `fetch`, else the global fetch. */
  transport?: UpstreamTransport;
  fetch?: typeof fetch;
  now?: () => number;
  tokenCallTimeoutMs?: number;
}

const notFound = (detail: string) => connectProblem('not-found', detail);
const badState = (detail: string) => connectProblem('connect-state-invalid', detail);

export function callbackPath(carrier: string, account: string): string {
  return `/v1/connect/${encodeURIComponent(carrier)}/${encodeURIComponent(account)}/callback`;
}

export function connectRoutes(deps: ConnectDeps): Hono {
  const now = deps.now ?? Date.now;
  const states = createConnectStates(deps.control, now);
  const http = {
    send: tokenTransport(deps.transport, deps.fetch),
    timeoutMs: deps.tokenCallTimeoutMs ?? 10_000,
    now,
  };
  const app = new Hono();

  /** The account and its authorization-code method, or the problem to answer. */
  function lookup(
    carrier: string,
    id: string,
  ): { account: ResolvedAccount; method: AuthorizationCodeAuth } | Response {
    const account = deps.findAccount(carrier, id);
    if (account === undefined) return notFound(`no account '${id}' for carrier '${carrier}'`);
    let method: AuthorizationCodeAuth | undefined;
    try {
      const m = deps.profileOf(carrier).methods.authorization_code;
      method = m?.kind === 'authorization_code' ? m : undefined;
    } catch {
      return notFound(`unknown carrier '${carrier}'`);
    }
    if (method === undefined || account.authMethod !== 'authorization_code') {
      return connectProblem(
        'connect-unsupported',
        'this account does not use the authorization code method',
        {
          carrier,
        },
      );
    }
    return { account, method };
  }

  app.get('/v1/connect/:carrier/:account/authorize', async (c) => {
    const { carrier, account: id } = c.req.param();
    const found = lookup(carrier, id);
    if (found instanceof Response) return found;
    const { account, method } = found;
    const codeVerifier = createCodeVerifier();
    const state = randomUrlSafe(32);
    const redirectUri = `${deps.publicBaseUrl.replace(/\/+$/, '')}${callbackPath(carrier, id)}`;
    let url: URL;
    try {
      url = new URL(joinUrl(baseUrlOf(account, method.host), method.authorizeUrlPath));
      url.searchParams.set('client_id', secretOf(account, 'clientId'));
    } catch (error) {
      const detail =
        error instanceof MissingSettingError ? error.message : 'the carrier authorize URL is invalid';
      return connectProblem('connect-unsupported', detail, { carrier });
    }
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await codeChallengeS256(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    const scope = account.settings.scope ?? method.scope;
    if (scope !== undefined && scope !== '') url.searchParams.set('scope', scope);
    try {
      await states.add(state, { carrier, account: id, codeVerifier, redirectUri });
    } catch {
      return connectProblem('connect-store-failed', 'the shared store is unreachable; try again shortly', {
        carrier,
        class: 'unavailable',
      });
    }
    return new Response(null, {
      status: 302,
      headers: { location: url.toString(), 'cache-control': 'no-store' },
    });
  });

  app.get('/v1/connect/:carrier/:account/callback', async (c) => {
    const { carrier, account: id } = c.req.param();
    const state = c.req.query('state');
    if (state === undefined || state === '') return badState('the callback carries no state');
    const taken = await states.take(state).catch(() => undefined);
    if (taken === undefined) {
      return connectProblem('connect-store-failed', 'the shared store is unreachable; try again shortly', {
        carrier,
        class: 'unavailable',
      });
    }
    if (!taken.ok) {
      return badState(
        taken.reason === 'expired'
          ? 'the authorization expired; start again'
          : 'unknown or already used state',
      );
    }
    if (taken.pending.carrier !== carrier || taken.pending.account !== id) {
      return badState('the state was issued for another account');
    }
    const carrierError = c.req.query('error');
    if (carrierError !== undefined) {
      const account = deps.findAccount(carrier, id);
      const raw = safeCode(carrierError);
      const code = account !== undefined && mentionsSecret(account, raw) ? undefined : raw;
      return connectProblem(
        'connect-denied',
        `the carrier answered with an error${code === undefined ? '' : `: ${code}`}`,
        { carrier },
      );
    }
    const code = c.req.query('code');
    if (code === undefined || code === '') return badState('the callback carries no authorization code');
    const found = lookup(carrier, id);
    if (found instanceof Response) return found;
    const outcome = await exchangeAuthorizationCode(http, found.method, found.account, {
      code,
      codeVerifier: taken.pending.codeVerifier,
      redirectUri: taken.pending.redirectUri,
    }).catch(() => undefined);
    if (outcome === undefined || !outcome.ok) {
      const failure = outcome?.ok === false ? outcome.failure : undefined;
      return connectProblem(
        'connect-exchange-failed',
        `the carrier did not issue tokens: ${failure?.reason ?? 'unexpected error'}${
          failure?.code && !mentionsSecret(found.account, failure.code) ? ` (${failure.code})` : ''
        }`,
        { carrier, class: failure?.failureClass ?? 'unavailable' },
      );
    }
    try {
      await deps.broker.storeAuthorization(found.account, outcome.token);
    } catch {
      return connectProblem(
        'connect-store-failed',
        'the token store refused the new authorization; start again',
        { carrier, class: 'unavailable' },
      );
    }
    return c.json({
      connected: true,
      carrier,
      account: id,
      refreshToken: outcome.token.refreshToken !== undefined,
      expiresAt: new Date(outcome.token.expiresAt).toISOString(),
    });
  });

  return app;
}
