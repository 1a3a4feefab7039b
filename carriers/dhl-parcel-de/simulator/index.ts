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
import { ORDERS_PATH, RETURNS_PATH, TRACKING_PATH } from '../profile.ts';
import { registerOrders } from './orders-route.ts';
import { parcelDeRenderer, problem } from './renderer.ts';
import { registerReturns } from './returns-route.ts';
import { registerToken } from './token-route.ts';
import { registerTracking } from './tracking-route.ts';

/**
 * A contract price table for the first sandbox account (see contract-rates.ts), so that the
 * sandbox quotes Parcel DE abroad and DHL Retoure returns. MADE-UP SAMPLE PRICES, not DHL's:
 * a real account sets its own contract's. The second account has none (nothing is quoted).
 */
const SANDBOX_CONTRACT_RATES: Record<string, string> = {
  'rates.effective': '2025-01-01 (sandbox sample prices, not DHL prices)',
  'rates.V53WPAK.EU1': '2000:13.49,5000:16.49,10000:21.49,20000:30.49,31500:40.49',
  'rates.V53WPAK.EU2': '2000:14.49,5000:17.49,10000:22.49,20000:31.49,31500:41.49',
  'rates.V53WPAK.EU3': '2000:15.49,5000:18.49,10000:23.49,20000:32.49,31500:42.49',
  'rates.V53WPAK.WORLD': '2000:35.99,5000:45.99,10000:60.99,20000:80.99,31500:100.99',
  'rates.V54EPAK.EU1': '5000:11.90,10000:14.90,20000:19.90,31500:24.90',
  'rates.V54EPAK.EU2': '5000:12.90,10000:15.90,20000:20.90,31500:25.90',
  'rates.V54EPAK.EU3': '5000:13.90,10000:16.90,20000:21.90,31500:26.90',
  'rates.RETOURE.EU1': '5000:8.90,31500:12.90',
  'rates.RETOURE.EU2': '5000:9.90,31500:13.90',
  'rates.RETOURE.EU3': '5000:10.90,31500:14.90',
};

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
    settings: { ekp: '3333333333', participation: '01', ...SANDBOX_CONTRACT_RATES },
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
  app.use(RETURNS_PATH, apiGuard(sim, parcelDeRenderer, { endpoint: 'returns' }));
  registerReturns(app, sim);
  app.use(TRACKING_PATH, apiGuard(sim, parcelDeRenderer, { endpoint: 'track', auth: apiKeyAuth }));
  registerTracking(app, sim);
  app.notFound(() => problem(404, { title: 'Not Found', statusCode: 404, detail: 'Resource not found.' }));
  return { app, sandboxAccounts: SANDBOX_ACCOUNTS };
};
