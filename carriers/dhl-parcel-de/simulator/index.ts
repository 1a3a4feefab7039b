/**
 * The Parcel DE sandbox twin: the ROPC token endpoint, `/parcel/de/shipping/v2/orders`
 * behind bearer tokens, and the Unified tracking API behind the API key, on their real paths.
 */
import { Hono } from 'hono';
import {
  type ApiAuthCheck,
  apiGuard,
  type SimAccount,
  type SimulatorFactory,
} from '../../../sandbox/kit/index.ts';
import { ORDERS_PATH, TRACKING_PATH } from '../profile.ts';
import { registerOrders } from './orders-route.ts';
import { parcelDeRenderer, problem } from './renderer.ts';
import { registerToken } from './token-route.ts';
import { registerTracking } from './tracking-route.ts';

/** Credentials as the ROPC spec's sandbox example gives them ("can be used as-is"). */
export const SANDBOX_ACCOUNTS: SimAccount[] = [
  {
    id: 'dhl-parcel-de-sandbox',
    secrets: {
      clientId: 'sbxKeyQ7m2Lp9Xw4',
      clientSecret: 'sbxSecretR5t8Vn1Zc3',
      username: 'user-valid',
      password: 'SandboxPasswort2023!',
    },
    settings: { ekp: '3333333333', participation: '01' },
  },
  {
    id: 'dhl-parcel-de-second',
    secrets: {
      clientId: 'sbxKeyH3j6Kd0Fs8',
      clientSecret: 'sbxSecretB2n4Mw7Qe9',
      username: 'user-second',
      password: 'ZweitesPasswort2025!',
    },
    settings: { ekp: '4444444444', participation: '01' },
  },
];

/** The tracking API knows the developer-portal key, not the shipping token. */
const apiKeyAuth: ApiAuthCheck = (c, sim) => {
  const key = c.req.header('dhl-api-key');
  return key ? sim.accounts.byClientId(key) : undefined;
};

export const createSimulator: SimulatorFactory = (sim) => {
  // Shipment numbers look like DHL Paket ones: 20 digits starting 00340434.
  sim.labels.useGenerator((sequence) => `00340434${String(100_000_000_000 + sequence)}`);
  const app = new Hono();
  registerToken(app, sim);
  app.use(ORDERS_PATH, apiGuard(sim, parcelDeRenderer, { endpoint: 'label' }));
  registerOrders(app, sim);
  app.use(TRACKING_PATH, apiGuard(sim, parcelDeRenderer, { endpoint: 'track', auth: apiKeyAuth }));
  registerTracking(app, sim);
  app.notFound(() => problem(404, { title: 'Not Found', statusCode: 404, detail: 'Resource not found.' }));
  return { app, sandboxAccounts: SANDBOX_ACCOUNTS };
};
