/** Liveness and readiness for orchestrators: no key needed. */
import { createRoute } from '@hono/zod-openapi';
import type { GatewayService, ReadinessReport } from '../../gateway/service.ts';
import type { Logger } from '../../log/logger.ts';
import type { ApiApp } from '../env.ts';
import { HealthSchema, ReadinessSchema } from '../schemas.ts';

export const healthzRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness: the process is alive',
  responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: HealthSchema } } } },
});

export const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Readiness: 200 when ready or degraded (serving without a shared store), 503 when not ready',
  responses: {
    200: { description: 'Ready or degraded.', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'Not ready.', content: { 'application/json': { schema: ReadinessSchema } } },
  },
});

const FAILED_CHECK: ReadinessReport = {
  ready: false,
  status: 'not_ready',
  checks: { gateway: { ok: false, detail: 'readiness check failed' } },
};

export function registerHealth(app: ApiApp, gateway: GatewayService, logger: Logger): void {
  app.openapi(healthzRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyzRoute, async (c) => {
    let report: ReadinessReport;
    try {
      report = await gateway.readiness();
    } catch (err) {
      logger.warn('readiness check threw', { errorName: err instanceof Error ? err.name : typeof err });
      report = FAILED_CHECK;
    }
    return report.status === 'not_ready' ? c.json(report, 503) : c.json(report, 200);
  });
}
