/**
 * The HTTP API: a Hono app (Web-standard fetch handler) over the GatewayService. Order
 * matters: request id and access log wrap everything; caller auth, body limit and media
 * type checks run before any route, including routes mounted through `extraRoutes`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { GatewayService } from '../gateway/service.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { serverSpan } from '../telemetry/server-span.ts';
import type { ApiApp, ApiEnv } from './env.ts';
import { errorResponse } from './errors.ts';
import { accessLog } from './middleware/access-log.ts';
import { closeOnUnreadBody, jsonBodiesOnly, limitBody } from './middleware/body.ts';
import { callerAuth } from './middleware/caller-auth.ts';
import { requestId } from './middleware/request-id.ts';
import { registerSecurityScheme } from './openapi.ts';
import { problemResponse } from './problem.ts';
import { registerCarriers } from './routes/carriers.ts';
import { registerHealth } from './routes/health.ts';
import { registerLabels } from './routes/labels.ts';
import { registerRates } from './routes/rates.ts';
import { registerReference } from './routes/reference.ts';
import { registerTracking } from './routes/tracking.ts';
import { validationProblem } from './validation.ts';

export const DEFAULT_BODY_LIMIT_BYTES = 262_144;

export interface AppDeps {
  gateway: GatewayService;
  apiKeys: readonly string[];
  adminKeys?: readonly string[];
  bodyLimitBytes?: number;
  logger?: Logger;
  /** Mounts more routes (connect, admin) behind the same auth, limits and error handling. */
  extraRoutes?: (app: ApiApp) => void;
  /** Runs on every request right after caller auth (the role is known): health's key-usage watch. */
  afterAuth?: readonly MiddlewareHandler<ApiEnv>[];
}

export function createApp(deps: AppDeps): ApiApp {
  const logger = deps.logger ?? silentLogger;
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    // Every schema failure becomes one validation problem listing every issue.
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });

  // Outermost: every log line and inner span of the request belongs to its SERVER span.
  app.use('*', serverSpan());
  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.use('*', closeOnUnreadBody());
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(
          'method-not-allowed',
          `${c.req.method} is not allowed here.`,
          {},
          { Allow: methods.join(', ') },
        ),
    }),
  );
  app.use('*', callerAuth({ apiKeys: deps.apiKeys, adminKeys: deps.adminKeys ?? [] }));
  for (const middleware of deps.afterAuth ?? []) app.use('*', middleware);
  app.use('*', limitBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));
  app.use('*', jsonBodiesOnly());

  registerSecurityScheme(app);
  registerHealth(app, deps.gateway, logger);
  registerReference(app);
  registerRates(app, deps.gateway);
  registerLabels(app, deps.gateway);
  registerCarriers(app, deps.gateway);
  registerTracking(app, deps.gateway);
  deps.extraRoutes?.(app);

  // Returned, not thrown: the 405 middleware only rewrites a plain 404 (not an error).
  app.notFound(() => problemResponse('not-found', 'There is no such route.'));
  app.onError((err, c) =>
    errorResponse(
      err,
      logger,
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.routePath,
      },
      c.req.raw.signal,
    ),
  );
  return app;
}
