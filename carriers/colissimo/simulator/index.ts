/**
 * The Colissimo / La Poste sandbox twin. One app serves both hosts of the profile (the
 * sandbox points every host at it): the SLS label paths and the Okapi Suivi v2 path.
 * Fault endpoints: 'label' (generateLabel), 'check' (checkGenerateLabel), 'track' (Suivi).
 * There is no token endpoint and no rate endpoint to fault: Colissimo has neither.
 */
import { Hono } from 'hono';
import type { SimulatorFactory } from '../../../sandbox/kit/index.ts';
import { defaultTrackingNumber } from '../../../sandbox/kit/index.ts';
import { SANDBOX_ACCOUNTS } from './accounts.ts';
import { registerSlsRoutes } from './sls-routes.ts';
import { registerSuiviRoutes } from './suivi-routes.ts';

export const createSimulator: SimulatorFactory = (sim) => {
  // Colissimo parcel numbers: two letters and eleven digits (recorded: 9V34929818514, 6A15984040331).
  sim.labels.useGenerator((sequence, input) => `6A${defaultTrackingNumber(sequence, input).slice(2)}`);
  const app = new Hono();
  registerSlsRoutes(app, sim);
  registerSuiviRoutes(app, sim);
  return { app, sandboxAccounts: SANDBOX_ACCOUNTS };
};
