/**
 * Idempotency records as they are shared between instances: the first request's answer,
 * a value or a problem-ready error, serialized so that any instance can replay it exactly
 * (same problem type, status, members). Zod checks every record read back.
 */
import { z } from '@hono/zod-openapi';
import {
  AllCarriersUnavailableError,
  LabelOutcomeUnknownError,
  NotFoundError,
  UnprocessableError,
} from '../domain/errors.ts';
import { CarrierError, FAILURE_CLASSES } from '../domain/failure.ts';
import { CarrierMessage, RoutingRecord } from '../domain/shipment.ts';

const text = z.string().max(2_000);
const ms = z.number().nonnegative().optional();

export const ErrorRecord = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('carrier'),
      carrier: text,
      account: text,
      failureClass: z.enum(FAILURE_CLASSES),
      outcome: z.enum(['not_sent', 'rejected', 'ambiguous']),
      message: text,
      code: text.optional(),
      status: z.number().int().optional(),
      retryAfterMs: ms,
      auth: z.boolean(),
    })
    .strict(),
  z
    .object({
      type: z.literal('all-carriers-unavailable'),
      message: text,
      messages: z.array(CarrierMessage),
      routing: RoutingRecord.optional(),
      retryAfterMs: ms,
    })
    .strict(),
  z
    .object({
      type: z.literal('label-outcome-unknown'),
      message: text,
      carrier: text,
      account: text,
      reference: text.optional(),
      routing: RoutingRecord,
    })
    .strict(),
  z.object({ type: z.literal('not-found'), message: text, field: text.optional() }).strict(),
  z.object({ type: z.literal('unprocessable'), message: text, field: text }).strict(),
  // A bug: replayed as a bug (500), never with its message (it may hold request data).
  z.object({ type: z.literal('internal') }).strict(),
]);
export type ErrorRecord = z.infer<typeof ErrorRecord>;

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
        z.object({ ok: z.literal(false), error: ErrorRecord }).strict(),
      ]),
    })
    .strict(),
]);
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

/** The error as a record; anything unknown becomes `internal`. */
export function errorToRecord(error: unknown): ErrorRecord {
  if (error instanceof CarrierError) {
    return {
      type: 'carrier',
      carrier: error.carrier,
      account: error.account,
      failureClass: error.failureClass,
      outcome: error.outcome,
      message: error.message,
      code: error.code,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      auth: error.auth,
    };
  }
  if (error instanceof AllCarriersUnavailableError) {
    return {
      type: 'all-carriers-unavailable',
      message: error.message,
      messages: error.messages,
      routing: error.routing,
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (error instanceof LabelOutcomeUnknownError) {
    return {
      type: 'label-outcome-unknown',
      message: error.message,
      carrier: error.carrier,
      account: error.account,
      reference: error.reference,
      routing: error.routing,
    };
  }
  if (error instanceof NotFoundError)
    return { type: 'not-found', message: error.message, field: error.field };
  if (error instanceof UnprocessableError)
    return { type: 'unprocessable', message: error.message, field: error.field };
  return { type: 'internal' };
}

/** The error a record stands for, `elapsedMs` after it was recorded (a Retry-After shrinks). */
export function errorFromRecord(record: ErrorRecord, elapsedMs: number): Error {
  const left = (retryAfterMs: number | undefined) =>
    retryAfterMs === undefined ? undefined : Math.max(0, retryAfterMs - elapsedMs);
  switch (record.type) {
    case 'carrier':
      return new CarrierError({
        carrier: record.carrier,
        account: record.account,
        failureClass: record.failureClass,
        outcome: record.outcome,
        message: record.message,
        code: record.code,
        status: record.status,
        retryAfterMs: left(record.retryAfterMs),
        auth: record.auth,
      });
    case 'all-carriers-unavailable': {
      const retryAfterMs = left(record.retryAfterMs);
      return new AllCarriersUnavailableError(record.message, {
        messages: record.messages,
        ...(record.routing !== undefined ? { routing: record.routing } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    case 'label-outcome-unknown':
      return new LabelOutcomeUnknownError(record.message, {
        carrier: record.carrier,
        account: record.account,
        reference: record.reference,
        routing: record.routing,
      });
    case 'not-found':
      return new NotFoundError(record.message, record.field);
    case 'unprocessable':
      return new UnprocessableError(record.message, record.field);
    case 'internal':
      return new Error('the first request with this Idempotency-Key failed unexpectedly');
  }
}
