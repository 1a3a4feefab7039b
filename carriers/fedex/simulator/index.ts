/**
 * The FedEx sandbox twin: OAuth, Rate, Ship and Track on their real paths, FedEx error shapes,
 * gzip when asked, 200-with-alerts, and kit faults on every endpoint.
 */
import { Hono } from 'hono';
import type { SimAccount, SimulatorFactory } from '../../../sandbox/kit/index.ts';
import { mountRate } from './rate.ts';
import { mountShip } from './ship.ts';
import { mountToken } from './token.ts';
import { mountTrack } from './track.ts';

/** Sandbox accounts: the gateway's credential field names; 740561073 is FedEx's well-known test account. */
export const FEDEX_SANDBOX_ACCOUNTS: SimAccount[] = [
  {
    id: 'fedex-sandbox',
    secrets: { clientId: 'l7sandbox0fedex0main0client0id00', clientSecret: 'sandbox-fedex-main-secret' },
    settings: { accountNumber: '740561073' },
  },
  {
    id: 'fedex-sandbox-2',
    secrets: { clientId: 'l7sandbox0fedex0second0client0id', clientSecret: 'sandbox-fedex-second-secret' },
    settings: { accountNumber: '510087020' },
  },
];

/** FedEx Express numbers are 12 digits (the spec's 794953535000). */
export const fedexTrackingNumber = (sequence: number): string => `7949${String(sequence).padStart(8, '0')}`;

export const createSimulator: SimulatorFactory = (sim) => {
  sim.labels.useGenerator(fedexTrackingNumber);
  const app = new Hono();
  mountToken(app, sim);
  mountRate(app, sim);
  mountShip(app, sim);
  mountTrack(app, sim);
  return { app, sandboxAccounts: FEDEX_SANDBOX_ACCOUNTS };
};
