import { createRoute } from '@hono/zod-openapi';
import { CarriersResponse } from '../../domain/carriers-view.ts';
import type { GatewayService } from '../../gateway/service.ts';
import type { ApiApp } from '../env.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { problemResponses, V1_COMMON } from './problem-responses.ts';

export const carriersRoute = createRoute({
  method: 'get',
  path: '/v1/carriers',
  tags: ['Carriers'],
  summary: 'Each carrier and account, its auth health and breaker states',
  security: BEARER,
  responses: {
    200: {
      description: 'Carriers and accounts.',
      headers: REQUEST_ID_RESPONSE_HEADER,
      content: { 'application/json': { schema: CarriersResponse } },
    },
    ...problemResponses(V1_COMMON),
  },
});

export function registerCarriers(app: ApiApp, gateway: GatewayService): void {
  app.openapi(carriersRoute, async (c) => c.json(await gateway.carriers(), 200));
}
