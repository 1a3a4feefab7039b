import { createRoute } from '@hono/zod-openapi';
import { Tracking } from '../../domain/shipment.ts';
import type { GatewayService } from '../../gateway/service.ts';
import type { ApiApp } from '../env.ts';
import { TrackingParams } from '../schemas.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { CARRIER_CALL, problemResponses, V1_COMMON } from './problem-responses.ts';

export const trackingRoute = createRoute({
  method: 'get',
  path: '/v1/tracking/{carrier}/{trackingNumber}',
  tags: ['Shipping'],
  summary: 'Track a shipment',
  security: BEARER,
  request: { params: TrackingParams },
  responses: {
    200: {
      description: 'Current status and events.',
      headers: REQUEST_ID_RESPONSE_HEADER,
      content: { 'application/json': { schema: Tracking } },
    },
    ...problemResponses([400, ...V1_COMMON, ...CARRIER_CALL]),
  },
});

export function registerTracking(app: ApiApp, gateway: GatewayService): void {
  app.openapi(trackingRoute, async (c) => {
    const { carrier, trackingNumber } = c.req.valid('param');
    return c.json(await gateway.tracking(carrier, trackingNumber, { signal: c.req.raw.signal }), 200);
  });
}
