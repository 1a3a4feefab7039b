/**
 * The admin API (/admin/*, admin keys only: caller auth refuses caller keys with 403):
 * credential inventory, revocation, the revoke-all drill, secret reload, forced breakers,
 * on-demand probes and alerts. Every action writes one audit line.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { Logger } from '../../log/logger.ts';
import type { ApiApp } from '../env.ts';
import { ApiProblem } from '../problem.ts';
import { createAudit } from './admin-audit.ts';
import {
  AccountParams,
  AlertsResult,
  BreakerBody,
  BreakerResult,
  CredentialInventory,
  ProbeBody,
  ProbeResultSchema,
  ReloadResult,
  RevokeAllBody,
  RevokeAllResult,
  RevokeBody,
  RevokeResult,
} from './admin-schemas.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { problemResponses } from './problem-responses.ts';

const ADMIN = ['Admin'];
const ADMIN_ERRORS = [401, 403, 500] as const;

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  headers: REQUEST_ID_RESPONSE_HEADER,
  content: { 'application/json': { schema } },
});

const optionalBody = <T extends z.ZodType>(schema: T) => ({
  required: false,
  content: { 'application/json': { schema } },
});

export const inventoryRoute = createRoute({
  method: 'get',
  path: '/admin/credentials',
  tags: ADMIN,
  summary: 'Credential and token inventory (names, dates and counts; never secret values)',
  security: BEARER,
  responses: {
    200: json(CredentialInventory, 'Every configured account.'),
    ...problemResponses(ADMIN_ERRORS),
  },
});

export const revokeRoute = createRoute({
  method: 'post',
  path: '/admin/credentials/{carrier}/{account}/revoke',
  tags: ADMIN,
  summary: "Revoke one account's tokens everywhere (and at the carrier where it has a revocation endpoint)",
  security: BEARER,
  request: { params: AccountParams, body: optionalBody(RevokeBody) },
  responses: {
    200: json(RevokeResult, 'What was dropped and revoked.'),
    ...problemResponses([400, 404, 415, ...ADMIN_ERRORS]),
  },
});

export const revokeAllRoute = createRoute({
  method: 'post',
  path: '/admin/revoke-all',
  tags: ADMIN,
  summary: 'Breach drill: drop every token of every account (memory and shared store), timed',
  security: BEARER,
  request: { body: optionalBody(RevokeAllBody) },
  responses: {
    200: json(RevokeAllResult, 'Counts and the drill duration.'),
    ...problemResponses([400, 415, ...ADMIN_ERRORS]),
  },
});

export const reloadRoute = createRoute({
  method: 'post',
  path: '/admin/credentials/reload',
  tags: ADMIN,
  summary: 'Re-read rotated secrets from the environment and configuration without a restart',
  security: BEARER,
  responses: {
    200: json(ReloadResult, 'Which accounts changed (field names only).'),
    ...problemResponses([422, ...ADMIN_ERRORS]),
  },
});

export const breakerRoute = createRoute({
  method: 'post',
  path: '/admin/breakers/{carrier}/{account}',
  tags: ADMIN,
  summary: 'Force a breaker open or closed (maintenance, failover drill)',
  security: BEARER,
  request: {
    params: AccountParams,
    body: { required: true, content: { 'application/json': { schema: BreakerBody } } },
  },
  responses: {
    200: json(BreakerResult, 'The breaker states after the change.'),
    ...problemResponses([400, 404, 415, ...ADMIN_ERRORS]),
  },
});

export const probeRoute = createRoute({
  method: 'post',
  path: '/admin/probes/{carrier}/{account}',
  tags: ADMIN,
  summary: 'Run a synthetic probe now (optionally a concurrent-refresh probe)',
  security: BEARER,
  request: { params: AccountParams, body: optionalBody(ProbeBody) },
  responses: {
    200: json(ProbeResultSchema, 'What the probe found.'),
    ...problemResponses([400, 404, 415, ...ADMIN_ERRORS]),
  },
});

export const alertsRoute = createRoute({
  method: 'get',
  path: '/admin/alerts',
  tags: ADMIN,
  summary: 'Open incidents and recent alert notifications',
  security: BEARER,
  responses: { 200: json(AlertsResult, 'Open and recent alerts.'), ...problemResponses(ADMIN_ERRORS) },
});

type Wire<T extends z.ZodType> = z.infer<T>;

/**
 * What the admin routes ask of the gateway's operations (the composition implements it over
 * health). Answers are already in their API shape; refusals are the errors below.
 */
export interface AdminOperations {
  hasAccount(carrier: string, account: string): boolean;
  inventory(): Promise<Wire<typeof CredentialInventory>['credentials']>;
  revoke(carrier: string, account: string, body: Wire<typeof RevokeBody>): Promise<Wire<typeof RevokeResult>>;
  revokeAll(body: Wire<typeof RevokeAllBody>): Promise<Wire<typeof RevokeAllResult>>;
  /** Undefined when the gateway was not started with a reloadable configuration. */
  reload(): Promise<Wire<typeof ReloadResult> | undefined>;
  forceBreaker(
    carrier: string,
    account: string,
    body: Wire<typeof BreakerBody>,
  ): Promise<Wire<typeof BreakerResult>['breakers']>;
  probe(
    carrier: string,
    account: string,
    body: Wire<typeof ProbeBody>,
  ): Promise<Wire<typeof ProbeResultSchema>>;
  alerts(): Promise<Wire<typeof AlertsResult>>;
}

export function registerAdmin(app: ApiApp, ops: AdminOperations, logger: Logger): void {
  const audit = createAudit(logger);
  const known = (carrier: string, account: string) => {
    if (!ops.hasAccount(carrier, account)) {
      throw new ApiProblem('not-found', `No account '${account}' is configured for carrier '${carrier}'.`, {
        members: { field: '/account' },
      });
    }
  };

  app.openapi(inventoryRoute, async (c) =>
    c.json({ credentials: await audit(c, 'credentials.list', {}, () => ops.inventory()) }, 200),
  );

  app.openapi(revokeRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    known(carrier, account);
    const body = c.req.valid('json');
    return c.json(
      await audit(c, 'credentials.revoke', { carrier, account }, () => ops.revoke(carrier, account, body)),
      200,
    );
  });

  app.openapi(revokeAllRoute, async (c) => {
    const body = c.req.valid('json');
    const report = await audit(c, 'credentials.revoke_all', {}, () => ops.revokeAll(body));
    logger.warn('revoke-all drill finished', {
      accounts: report.accounts,
      tokensDropped: report.tokensDropped,
      remaining: report.remaining,
      durationMs: report.durationMs,
    });
    return c.json(report, 200);
  });

  app.openapi(reloadRoute, async (c) => {
    const report = await audit(c, 'credentials.reload', {}, () => ops.reload());
    if (report === undefined) {
      throw new ApiProblem('unprocessable', 'this gateway was not started with a reloadable configuration');
    }
    return c.json(report, 200);
  });

  app.openapi(breakerRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    known(carrier, account);
    const body = c.req.valid('json');
    const breakers = await audit(c, `breaker.force_${body.state}`, { carrier, account }, () =>
      ops.forceBreaker(carrier, account, body),
    );
    return c.json({ carrier, account, breakers }, 200);
  });

  app.openapi(probeRoute, async (c) => {
    const { carrier, account } = c.req.valid('param');
    known(carrier, account);
    const body = c.req.valid('json');
    const result = await audit(
      c,
      body.concurrent ? 'probe.concurrent' : 'probe.run',
      { carrier, account },
      () => ops.probe(carrier, account, body),
    );
    return c.json(result, 200);
  });

  app.openapi(alertsRoute, async (c) => c.json(await audit(c, 'alerts.list', {}, () => ops.alerts()), 200));
}
