import { createRoute } from '@hono/zod-openapi';
import { RateRequest, RateResponse } from '../../domain/shipment.ts';
import type { GatewayService } from '../../gateway/service.ts';
import type { ApiApp } from '../env.ts';
import { requireJsonBody } from '../middleware/body.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { CARRIER_CALL, JSON_BODY, problemResponses, V1_COMMON } from './problem-responses.ts';

export const ratesRoute = createRoute({
  method: 'post',
  path: '/v1/rates',
  tags: ['Shipping'],
  summary: 'Quote rates from every carrier that serves the route',
  description:
    'Answers 200 with every rate it could get, sorted by price, plus one message per carrier that failed: partial success is normal.',
  security: BEARER,
  middleware: [requireJsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: RateRequest } } } },
  responses: {
    200: {
      description: 'Rates, per-carrier failure messages and routing records.',
      headers: REQUEST_ID_RESPONSE_HEADER,
      content: { 'application/json': { schema: RateResponse } },
    },
    ...problemResponses([...JSON_BODY, ...V1_COMMON, ...CARRIER_CALL]),
  },
});

export function registerRates(app: ApiApp, gateway: GatewayService): void {
  app.openapi(ratesRoute, async (c) => {
    const answer = await gateway.rates(c.req.valid('json'), { signal: c.req.raw.signal });
    return c.json(answer, 200);
  });
}
