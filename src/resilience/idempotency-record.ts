/**
 * Idempotency records as they are shared between instances: the first request's answer,
 * a value or an error in its wire form (domain/error-wire.ts), so that any instance can
 * replay it exactly (same problem type, status, members). Zod checks every record read back.
 */
import { z } from '@hono/zod-openapi';
import { ErrorWire } from '../domain/error-wire.ts';

export const IdempotencyRecord = z.discriminatedUnion('state', [
  z
    .object({
      state: z.literal('pending'),
      fingerprint: z.string(),
      owner: z.string(),
      startedAt: z.number(),
    })
    .strict(),
  z
    .object({
      state: z.literal('done'),
      fingerprint: z.string(),
      at: z.number(),
      outcome: z.discriminatedUnion('ok', [
        z.object({ ok: z.literal(true), value: z.unknown() }).strict(),
        z.object({ ok: z.literal(false), error: ErrorWire }).strict(),
      ]),
    })
    .strict(),
]);
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;
