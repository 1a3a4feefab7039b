/**
 * 'generic-oauth': a standards-shaped OAuth 2 server (RFC 6749/6750/7009/7636) with the kit's
 * faults, rotation modes and stats. Not a carrier: the test double for the credential broker.
 */
import { Hono } from 'hono';
import { mountApiRoutes } from './generic-oauth/api-routes.ts';
import { authorizeEndpoint } from './generic-oauth/authorize.ts';
import { identifyClient } from './generic-oauth/client-auth.ts';
import { tokenEndpoint } from './generic-oauth/token-endpoint.ts';
import { readParams, rfc6749Renderer, type SimAccount, type SimulatorFactory } from './kit/index.ts';

export const GENERIC_OAUTH_ID = 'generic-oauth';

export const GENERIC_OAUTH_ACCOUNTS: SimAccount[] = [
  {
    id: 'default',
    secrets: {
      clientId: 'generic-client',
      clientSecret: 'generic-secret',
      username: 'user',
      password: 'pass',
    },
  },
  {
    // A client limited to two scopes: anything else is invalid_scope.
    id: 'scoped',
    secrets: { clientId: 'scoped-client', clientSecret: 'scoped-secret' },
    settings: { allowedScopes: 'rates labels', defaultScope: 'rates' },
  },
];

export const createGenericOAuth: SimulatorFactory = (sim) => {
  const renderer = rfc6749Renderer({ realm: 'generic-oauth' });
  const app = new Hono();

  app.post('/oauth/token', tokenEndpoint(sim, renderer));
  app.get('/oauth/authorize', authorizeEndpoint(sim));
  app.post('/oauth/revoke', async (c) => {
    const params = await readParams(c);
    const client = identifyClient(c, sim, params);
    if (!client.account || !client.secretValid) return renderer.token('invalid_client');
    // RFC 7009 2.2: answer 200 whether or not the token existed.
    if (params.token !== undefined) sim.tokens.revoke(params.token);
    return c.body(null, 200);
  });
  mountApiRoutes(app, sim, renderer);

  return { app, sandboxAccounts: GENERIC_OAUTH_ACCOUNTS.map((a) => structuredClone(a)) };
};
