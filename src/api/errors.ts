/**
 * The one place where errors become problem+json: CarrierError by failure class, the
 * cross-carrier errors of domain/errors.ts, Hono's HTTPException, and bugs (500 with a
 * correlation id, logged once, with no message text in the answer).
 */
import { HTTPException } from 'hono/http-exception';
import { isCallerAbort } from '../domain/caller-abort.ts';
import {
  AllCarriersUnavailableError,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  IdempotencyUnavailableError,
  LabelOutcomeUnknownError,
  NotFoundError,
  UnprocessableError,
} from '../domain/errors.ts';
import { CarrierError, type FailureClass } from '../domain/failure.ts';
import type { Logger } from '../log/logger.ts';
import { ApiProblem, problemResponse, renderProblem } from './problem.ts';
import type { ProblemName } from './problems.ts';
import { toPointer } from './validation.ts';

const CARRIER_PROBLEM: Record<FailureClass, ProblemName> = {
  unavailable: 'carrier-unavailable',
  malformed: 'carrier-malformed-response',
  throttled: 'carrier-throttled',
  revoked: 'carrier-auth-failed',
  misconfigured: 'carrier-auth-failed',
  token_expired: 'carrier-auth-failed',
  refresh_race: 'carrier-auth-failed',
  rejected: 'carrier-rejected',
};

const HTTP_STATUS_PROBLEM: Partial<Record<number, ProblemName>> = {
  400: 'malformed-json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

const retryAfterHeader = (ms: number | undefined): Record<string, string> =>
  ms === undefined || !Number.isFinite(ms) || ms < 0
    ? {}
    : { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) };

/** `service` or `parcels.0.weight` or `/service` -> a pointer. */
const fieldPointer = (field: string): string =>
  field.startsWith('/') ? field : toPointer(field.split('.').filter((s) => s.length > 0));

/** Maps a known error to a problem; undefined means it is a bug. */
export function toApiProblem(err: unknown): ApiProblem | undefined {
  if (err instanceof ApiProblem) return err;
  if (err instanceof CarrierError) {
    return new ApiProblem(CARRIER_PROBLEM[err.failureClass], err.message, {
      members: { carrier: err.carrier, account: err.account, class: err.failureClass, code: err.code },
      headers: err.failureClass === 'throttled' ? retryAfterHeader(err.retryAfterMs) : {},
    });
  }
  if (err instanceof AllCarriersUnavailableError) {
    return new ApiProblem('all-carriers-unavailable', err.message, {
      members: { messages: err.messages, routing: err.routing },
      headers: retryAfterHeader(err.retryAfterMs),
    });
  }
  if (err instanceof LabelOutcomeUnknownError) {
    return new ApiProblem('label-outcome-unknown', err.message, {
      members: { carrier: err.carrier, account: err.account, reference: err.reference, routing: err.routing },
    });
  }
  if (err instanceof IdempotencyConflictError) return new ApiProblem('idempotency-conflict', err.message);
  if (err instanceof IdempotencyUnavailableError) {
    return new ApiProblem('idempotency-unavailable', err.message, {
      headers: retryAfterHeader(err.retryAfterMs),
    });
  }
  if (err instanceof IdempotencyInProgressError) {
    return new ApiProblem('idempotency-in-progress', err.message, {
      headers: retryAfterHeader(err.retryAfterMs),
    });
  }
  if (err instanceof NotFoundError) {
    return new ApiProblem('not-found', err.message, {
      members: { field: err.field === undefined ? undefined : fieldPointer(err.field) },
    });
  }
  if (err instanceof UnprocessableError) {
    return new ApiProblem('unprocessable', err.message, {
      members: { errors: [{ path: fieldPointer(err.field), message: err.message }] },
    });
  }
  if (err instanceof HTTPException) {
    const name = HTTP_STATUS_PROBLEM[err.status];
    // Hono's own messages are fixed strings (never request data), so they are safe details.
    if (name) return new ApiProblem(name, err.message || 'The request was refused.');
  }
  return undefined;
}

/** Stack frames only: the message of a bug may hold request data or a secret, so it is not logged. */
const stackFrames = (err: unknown): string[] | undefined =>
  err instanceof Error && typeof err.stack === 'string'
    ? err.stack
        .split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .map((line) => line.trim())
        .slice(0, 15)
    : undefined;

/**
 * 499 (nginx's "client closed request"): the caller went away while the gateway waited on a
 * carrier. Nobody reads this answer; the status is for the access log, and it is not a bug.
 */
export const CALLER_GONE_STATUS = 499;

export function errorResponse(
  err: unknown,
  logger: Logger,
  fields: Record<string, unknown>,
  callerSignal?: AbortSignal,
): Response {
  if (isCallerAbort(err, callerSignal)) {
    logger.info('caller went away', fields);
    return new Response(null, { status: CALLER_GONE_STATUS });
  }
  const problem = toApiProblem(err);
  if (problem) return renderProblem(problem);
  const correlationId = crypto.randomUUID();
  logger.error('unhandled error', {
    ...fields,
    correlationId,
    errorName: err instanceof Error ? err.name : typeof err,
    stack: stackFrames(err),
  });
  return problemResponse(
    'internal',
    'An unexpected error occurred. Quote the instance id to the gateway operator.',
    { instance: `urn:uuid:${correlationId}` },
  );
}
