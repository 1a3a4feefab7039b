/**
 * The gateway's errors as plain JSON and back, for answers stored or sent between instances
 * (a replayed label failure from Redis or the idempotency ledger, a credential failure from
 * the Durable Object authority). Only fields the error already shows callers travel; anything
 * unknown becomes a fixed, detail-free error so nothing unexpected (let alone a secret) is
 * replayed.
 */
import { z } from '@hono/zod-openapi';
import {
  AllCarriersUnavailableError,
  IdempotencyConflictError,
  LabelOutcomeUnknownError,
  NotFoundError,
  UnprocessableError,
} from './errors.ts';
import { CarrierError, FAILURE_CLASSES } from './failure.ts';
import { CarrierMessage, RoutingRecord } from './shipment.ts';

export const CarrierErrorWire = z.object({
  kind: z.literal('carrier'),
  carrier: z.string(),
  account: z.string(),
  failureClass: z.enum(FAILURE_CLASSES),
  outcome: z.enum(['not_sent', 'rejected', 'ambiguous']),
  message: z.string(),
  code: z.string().optional(),
  status: z.number().int().optional(),
  retryAfterMs: z.number().optional(),
  auth: z.boolean(),
  localRefusal: z.boolean().optional(),
});
export type CarrierErrorWire = z.infer<typeof CarrierErrorWire>;

export const ErrorWire = z.discriminatedUnion('kind', [
  CarrierErrorWire,
  z.object({
    kind: z.literal('all_unavailable'),
    message: z.string(),
    messages: z.array(CarrierMessage),
    routing: RoutingRecord.optional(),
    retryAfterMs: z.number().optional(),
  }),
  z.object({
    kind: z.literal('outcome_unknown'),
    message: z.string(),
    carrier: z.string(),
    account: z.string(),
    reference: z.string().optional(),
    routing: RoutingRecord,
  }),
  z.object({ kind: z.literal('not_found'), message: z.string(), field: z.string().optional() }),
  z.object({ kind: z.literal('unprocessable'), message: z.string(), field: z.string() }),
  z.object({ kind: z.literal('conflict'), message: z.string() }),
  z.object({ kind: z.literal('unexpected') }),
]);
export type ErrorWire = z.infer<typeof ErrorWire>;

/** JSON without undefined members (zod's optional fields then parse cleanly). */
const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function carrierErrorToWire(error: CarrierError): CarrierErrorWire {
  return defined({
    kind: 'carrier' as const,
    carrier: error.carrier,
    account: error.account,
    failureClass: error.failureClass,
    outcome: error.outcome,
    message: error.message,
    code: error.code,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    auth: error.auth,
    localRefusal: error.localRefusal || undefined,
  });
}

/** A Retry-After recorded `elapsedMs` ago, shortened by that time. */
const shortened = (retryAfterMs: number | undefined, elapsedMs: number) =>
  retryAfterMs === undefined ? undefined : Math.max(0, retryAfterMs - elapsedMs);

export function carrierErrorFromWire(wire: CarrierErrorWire, elapsedMs = 0): CarrierError {
  return new CarrierError({
    carrier: wire.carrier,
    account: wire.account,
    failureClass: wire.failureClass,
    outcome: wire.outcome,
    message: wire.message,
    code: wire.code,
    status: wire.status,
    retryAfterMs: shortened(wire.retryAfterMs, elapsedMs),
    auth: wire.auth,
    localRefusal: wire.localRefusal,
  });
}

export function errorToWire(error: unknown): ErrorWire {
  if (error instanceof CarrierError) return carrierErrorToWire(error);
  if (error instanceof AllCarriersUnavailableError) {
    return defined({
      kind: 'all_unavailable' as const,
      message: error.message,
      messages: error.messages,
      routing: error.routing,
      retryAfterMs: error.retryAfterMs,
    });
  }
  if (error instanceof LabelOutcomeUnknownError) {
    return defined({
      kind: 'outcome_unknown' as const,
      message: error.message,
      carrier: error.carrier,
      account: error.account,
      reference: error.reference,
      routing: error.routing,
    });
  }
  if (error instanceof NotFoundError)
    return defined({ kind: 'not_found', message: error.message, field: error.field });
  if (error instanceof UnprocessableError)
    return { kind: 'unprocessable', message: error.message, field: error.field };
  if (error instanceof IdempotencyConflictError) return { kind: 'conflict', message: error.message };
  return { kind: 'unexpected' };
}

/** The error a wire value stands for, `elapsedMs` after it was recorded (a Retry-After shrinks). */
export function errorFromWire(wire: ErrorWire, elapsedMs = 0): Error {
  switch (wire.kind) {
    case 'carrier':
      return carrierErrorFromWire(wire, elapsedMs);
    case 'all_unavailable': {
      const retryAfterMs = shortened(wire.retryAfterMs, elapsedMs);
      return new AllCarriersUnavailableError(wire.message, {
        messages: wire.messages,
        ...(wire.routing ? { routing: wire.routing } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    case 'outcome_unknown':
      return new LabelOutcomeUnknownError(wire.message, {
        carrier: wire.carrier,
        account: wire.account,
        reference: wire.reference,
        routing: wire.routing,
      });
    case 'not_found':
      return new NotFoundError(wire.message, wire.field);
    case 'unprocessable':
      return new UnprocessableError(wire.message, wire.field);
    case 'conflict':
      return new IdempotencyConflictError(wire.message);
    case 'unexpected':
      // The API renders a plain Error as a 500 without detail: the same answer the first caller got.
      return new Error('the first request with this Idempotency-Key failed unexpectedly');
  }
}
