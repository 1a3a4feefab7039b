/**
 * The USPS sandbox twin: OAuth v3 (JSON body client credentials, authorization code + PKCE,
 * rotating refresh tokens, 60 token calls an hour), prices (base and total rates, domestic
 * and international), shipping options, payment authorization, domestic and international
 * labels (multipart or vendor JSON) and tracking, on USPS's real paths.
 */
import { Hono } from 'hono';
import type { SimAccount, SimulatorFactory } from '../../../sandbox/kit/index.ts';
import { mountInternationalLabels } from './international-labels.ts';
import { mountLabels } from './labels.ts';
import { mountOAuth } from './oauth.ts';
import { mountPayments } from './payments.ts';
import { mountPrices } from './prices.ts';
import { mountShippingOptions } from './shipping-options.ts';
import { mountTracking } from './tracking.ts';

const SETTINGS = {
  crid: '56982563',
  mid: '904128936',
  manifestMid: '904128936',
  accountNumber: '1000405525',
  accountType: 'EPS',
};

export const USPS_SANDBOX_ACCOUNTS: SimAccount[] = [
  {
    id: 'default',
    secrets: { clientId: 'usps-sandbox-client', clientSecret: 'usps-sandbox-secret' },
    settings: SETTINGS,
  },
  {
    // Same account data; the mapping asks for the API's default multipart/form-data label answer.
    id: 'multipart',
    secrets: { clientId: 'usps-multipart-client', clientSecret: 'usps-multipart-secret' },
    settings: { ...SETTINGS, labelResponse: 'multipart' },
  },
  {
    // Its payment authorization fails: the label owner has no CRID.
    id: 'no-crid',
    secrets: { clientId: 'usps-nocrid-client', clientSecret: 'usps-nocrid-secret' },
    settings: { ...SETTINGS, crid: '' },
  },
];

export const createSimulator: SimulatorFactory = (sim) => {
  const app = new Hono();
  mountOAuth(app, sim);
  mountPrices(app, sim);
  mountShippingOptions(app, sim);
  mountPayments(app, sim);
  mountLabels(app, sim);
  mountInternationalLabels(app, sim);
  mountTracking(app, sim);
  return { app, sandboxAccounts: USPS_SANDBOX_ACCOUNTS.map((a) => structuredClone(a)) };
};
