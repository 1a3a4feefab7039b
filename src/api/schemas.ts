/** Zod schemas owned by the API layer (the shipping model itself lives in domain/). */
import { z } from '@hono/zod-openapi';
import { CarrierId, CarrierMessage, FailureClassSchema, RoutingRecord } from '../domain/shipment.ts';
import { PROBLEM_TYPE_URIS } from './problems.ts';

export const FieldIssueSchema = z
  .object({
    path: z.string().openapi({ description: 'JSON-pointer-like location, e.g. /parcels/0/weight/value.' }),
    message: z.string(),
  })
  .strict()
  .openapi('FieldIssue');

export const ProblemSchema = z
  .object({
    type: z.enum(PROBLEM_TYPE_URIS).openapi({ description: 'A relative URI from the problem catalog.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z
      .string()
      .optional()
      .openapi({ description: 'internal only: urn:uuid correlation id logged with the error.' }),
    errors: z.array(FieldIssueSchema).optional(),
    field: z.string().optional(),
    carrier: z.string().optional(),
    account: z.string().optional(),
    class: FailureClassSchema.optional(),
    code: z.string().optional(),
    reference: z.string().optional(),
    messages: z.array(CarrierMessage).optional(),
    routing: RoutingRecord.optional(),
  })
  .strict()
  .openapi('Problem', {
    description: 'An RFC 9457 problem. Which extension members are set depends on `type` (see the catalog).',
  });
export type Problem = z.infer<typeof ProblemSchema>;

/** Printable ASCII, 1-255 characters. */
export const IdempotencyKeyHeaders = z.object({
  'Idempotency-Key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .regex(/^[\x20-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters')
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header', required: true },
      description:
        'Unique per label you intend to buy. A retry with the same key and body replays the first answer; the same key with another body is a conflict.',
      example: 'order-10023-label-1',
    }),
});

export const TrackingParams = z.object({
  carrier: CarrierId.openapi({ param: { name: 'carrier', in: 'path' }, example: 'acme' }),
  trackingNumber: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or dashes')
    .openapi({ param: { name: 'trackingNumber', in: 'path' }, example: '1Z999AA10123456784' }),
});

export const HealthSchema = z
  .object({ status: z.literal('ok') })
  .strict()
  .openapi('Health');

export const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    status: z.enum(['ready', 'degraded', 'not_ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() }).strict()),
  })
  .strict()
  .openapi('Readiness');
