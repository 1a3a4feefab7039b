/**
 * The dashboard: GET /dashboard is the public shell (no data in it), GET
 * /admin/dashboard/state the admin-only JSON it polls. The poll is not audited (it is a read
 * that repeats every few seconds); every other admin route is.
 */

import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { dashboardCsp, dashboardPage } from '../dashboard/page.ts';
import type { ApiApp } from '../env.ts';
import { DashboardStateSchema } from './admin-schemas.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { problemResponses } from './problem-responses.ts';

export const dashboardStateRoute = createRoute({
  method: 'get',
  path: '/admin/dashboard/state',
  tags: ['Admin'],
  summary: 'Everything the dashboard shows: scores, states, breakers, token expiry, alerts, failovers',
  security: BEARER,
  responses: {
    200: {
      description: 'The dashboard state.',
      headers: REQUEST_ID_RESPONSE_HEADER,
      content: { 'application/json': { schema: DashboardStateSchema } },
    },
    ...problemResponses([401, 403, 500]),
  },
});

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Where the dashboard's state comes from (the composition builds it from health). */
export type DashboardSource = () => Promise<z.infer<typeof DashboardStateSchema>>;

export function registerDashboard(
  app: ApiApp,
  state: DashboardSource,
  options: { pollMs?: number } = {},
): void {
  app.get('/dashboard', () => {
    const n = nonce();
    return new Response(dashboardPage({ nonce: n, pollMs: options.pollMs ?? 2_000 }), {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': dashboardCsp(n),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
    });
  });
  app.openapi(dashboardStateRoute, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await state(), 200);
  });
}
