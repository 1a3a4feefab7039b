/**
 * The UPS sandbox twin: real UPS paths, string-typed token fields, rotating refresh tokens,
 * object-vs-array collapse on rating and shipping, UPS error bodies, injectable faults.
 */
import { Hono } from 'hono';
import type { SimAccount, SimContext, SimulatorFactory } from '../../../sandbox/kit/index.ts';
import { mountOAuth, REFRESH_LIFETIME_S } from './oauth.ts';
import { mountRating } from './rating.ts';
import { mountShipping } from './shipping.ts';
import { mountTracking } from './tracking.ts';

/** Sandbox credentials: not secret, they only open this simulator. */
export const UPS_SANDBOX_ACCOUNTS: readonly SimAccount[] = [
  {
    id: 'ups-sandbox',
    secrets: { clientId: 'ups-sandbox-client', clientSecret: 'ups-sandbox-secret' },
    settings: { accountNumber: 'A1B2C3' },
  },
  {
    id: 'ups-sandbox-2',
    secrets: { clientId: 'ups-sandbox-client-2', clientSecret: 'ups-sandbox-secret-2' },
    settings: { accountNumber: 'Z9Y8X7' },
  },
];

/**
 * An account connected through the authorization-code flow: its refresh token is issued at
 * start-up, so the gateway's sandbox can use it at once (after a control reset it must be
 * connected again through /security/v1/oauth/authorize).
 */
function connectedAccount(sim: SimContext): SimAccount {
  const account: SimAccount = {
    id: 'ups-connected',
    secrets: { clientId: 'ups-connected-client', clientSecret: 'ups-connected-secret' },
    settings: { accountNumber: 'C0NN3C' },
  };
  const token = sim.tokens.issue(account, { withRefresh: true, refreshLifetimeSeconds: REFRESH_LIFETIME_S });
  return { ...account, secrets: { ...account.secrets, refreshToken: token.refreshToken ?? '' } };
}

export const createSimulator: SimulatorFactory = (sim) => {
  const app = new Hono();
  // UPS refresh tokens are single use (UPS-API/api-documentation#90).
  sim.modes.set(undefined, { strictRotation: true });
  mountOAuth(app, sim);
  mountRating(app, sim);
  mountShipping(app, sim);
  mountTracking(app, sim);
  app.notFound(
    () =>
      new Response(
        JSON.stringify({ response: { errors: [{ code: '404', message: 'Resource not found' }] } }),
        {
          status: 404,
          headers: { 'content-type': 'application/json' },
        },
      ),
  );
  return { app, sandboxAccounts: [...UPS_SANDBOX_ACCOUNTS.map((a) => ({ ...a })), connectedAccount(sim)] };
};
