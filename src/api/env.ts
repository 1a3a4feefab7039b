/** Hono typing shared by the app, its middleware and routes mounted through extraRoutes. */
import type { OpenAPIHono } from '@hono/zod-openapi';

export type CallerRole = 'caller' | 'admin';

export interface ApiEnv {
  Variables: {
    requestId: string;
    /** Set by caller auth on /v1/* and /admin/* routes. */
    role?: CallerRole;
  };
}

export type ApiApp = OpenAPIHono<ApiEnv>;
