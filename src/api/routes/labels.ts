import { createRoute } from '@hono/zod-openapi';
import { Label, LabelRequest } from '../../domain/shipment.ts';
import type { GatewayService } from '../../gateway/service.ts';
import type { ApiApp } from '../env.ts';
import { requireJsonBody } from '../middleware/body.ts';
import { IdempotencyKeyHeaders } from '../schemas.ts';
import { BEARER, REQUEST_ID_RESPONSE_HEADER } from './common.ts';
import { CARRIER_CALL, JSON_BODY, problemResponses, V1_COMMON } from './problem-responses.ts';

export const labelsRoute = createRoute({
  method: 'post',
  path: '/v1/labels',
  tags: ['Shipping'],
  summary: 'Buy one label',
  description:
    'Needs an Idempotency-Key header. A replay with the same key and body returns the first answer; the same key with another body is 422 idempotency-conflict. ' +
    'A label is failed over only when the first carrier certainly created nothing; an ambiguous outcome is 502 label-outcome-unknown.',
  security: BEARER,
  middleware: [requireJsonBody()] as const,
  request: {
    headers: IdempotencyKeyHeaders,
    body: { required: true, content: { 'application/json': { schema: LabelRequest } } },
  },
  responses: {
    201: {
      description: 'The label and its routing record.',
      headers: REQUEST_ID_RESPONSE_HEADER,
      content: { 'application/json': { schema: Label } },
    },
    // 409: the same Idempotency-Key is still being served (idempotency-in-progress).
    ...problemResponses([...JSON_BODY, ...V1_COMMON, ...CARRIER_CALL, 409]),
  },
});

export function registerLabels(app: ApiApp, gateway: GatewayService): void {
  app.openapi(labelsRoute, async (c) => {
    const idempotencyKey = c.req.valid('header')['Idempotency-Key'];
    const label = await gateway.label(c.req.valid('json'), { signal: c.req.raw.signal, idempotencyKey });
    return c.json(label, 201);
  });
}
