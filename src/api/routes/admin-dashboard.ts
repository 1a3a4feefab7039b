/**
 * The dashboard: GET /dashboard is the public shell (no data in it), GET
 * /admin/dashboard/state the admin-only JSON it polls. The poll is not audited (it is a read
 * that repeats every few seconds); every other admin route is.
 */
import { createRoute } from '@hono/zod-openapi';
import { dashboardCsp, dashboardPage } from '../../health/dashboard/page.ts';
import type { HealthMonitor } from '../../health/monitor.ts';
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

export function registerDashboard(
  app: ApiApp,
  monitor: HealthMonitor,
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
    return c.json(await monitor.dashboard(), 200);
  });
}
