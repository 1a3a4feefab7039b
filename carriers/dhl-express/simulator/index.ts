/**
 * The MyDHL API sandbox twin: HTTP Basic on every call, `/rates` (GET one piece, POST
 * multi-piece), `POST /shipments` (201, base64 label documents), tracking of labels it
 * created, errors in DHL's problem shape with its numeric detail codes.
 */
import { Hono } from 'hono';
import {
  type ApiAuthCheck,
  apiGuard,
  basicCredentials,
  guardedAccount,
  jsonResponse,
  type SimAccount,
  type SimContext,
  type SimulatorFactory,
} from '../../../sandbox/kit/index.ts';
import { badRequest, mydhlRenderer } from './problems.ts';
import { registerRates } from './rates-route.ts';
import { registerShipments } from './shipments-route.ts';
import { registerTracking } from './tracking-route.ts';

export const SANDBOX_ACCOUNTS: SimAccount[] = [
  {
    id: 'dhl-express-sandbox',
    secrets: { username: 'apO3fS5mJ8zT7h', password: 'J^4oF@1qW!0qS!5b' },
    settings: { accountNumber: '123456789' },
  },
  {
    // Answers shipmentTrackingNumber as a JSON number, as recorded answers do.
    id: 'dhl-express-numeric',
    secrets: { username: 'apN8mB2vX6kQ1r', password: 'T#7uL%3pZ&9wD*2c' },
    settings: { accountNumber: '987654321', numericTrackingNumbers: 'true' },
  },
];

/** Basic credentials must match one account's username and password exactly. */
const basicAuth: ApiAuthCheck = (c, sim) => {
  const creds = basicCredentials(c);
  if (!creds) return undefined;
  const account = sim.accounts.bySecret('username', creds.rawUsername);
  return account && account.secrets.password === creds.rawPassword ? account : undefined;
};

/** AWB numbers: 9 digits and a mod-7 check digit, as DHL Express waybills have. */
function awb(sequence: number): string {
  const body = 110373390 + sequence * 7;
  return `${body}${body % 7}`;
}

export const createSimulator: SimulatorFactory = (sim: SimContext) => {
  sim.labels.useGenerator((sequence) => awb(sequence));
  const app = new Hono();
  const guard = (endpoint: string) => apiGuard(sim, mydhlRenderer, { endpoint, auth: basicAuth });

  // x-version is a required header on every operation of the spec.
  app.use('*', async (c, next) => {
    if (!c.req.header('x-version')) {
      return badRequest(`/expressapi${c.req.path}`, 'Missing mandatory header: x-version');
    }
    await next();
  });

  app.use('/rates', guard('rate'));
  app.use('/shipments', guard('label'));
  app.use('/shipments/:awb/tracking', guard('track'));

  const account = (c: Parameters<typeof guardedAccount>[0]): SimAccount => guardedAccount(c)!;
  registerRates(app, account);
  registerShipments(app, sim, account);
  registerTracking(app, sim, account);

  app.notFound((c) =>
    jsonResponse(c, { title: 'Not Found', status: 404, detail: `No route ${c.req.path}` }, { status: 404 }),
  );
  return { app, sandboxAccounts: SANDBOX_ACCOUNTS };
};
