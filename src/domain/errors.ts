/**
 * Errors the gateway core raises for the API layer to render as problem+json. Carrier
 * failures are CarrierError (failure.ts); these are the outcomes that span carriers.
 */
import type { CarrierMessage, RoutingRecord } from './shipment.ts';

/** No carrier could serve the request (all failed, none serves the route, or the budget is spent). */
export class AllCarriersUnavailableError extends Error {
  readonly messages: CarrierMessage[];
  readonly routing: RoutingRecord | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    detail: string,
    init: { messages: CarrierMessage[]; routing?: RoutingRecord; retryAfterMs?: number },
  ) {
    super(detail);
    this.name = 'AllCarriersUnavailableError';
    this.messages = init.messages;
    this.routing = init.routing;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A label call may or may not have created a label: never retried elsewhere, reported as such. */
export class LabelOutcomeUnknownError extends Error {
  readonly carrier: string;
  readonly account: string;
  readonly reference: string | undefined;
  readonly routing: RoutingRecord;
  constructor(
    detail: string,
    init: { carrier: string; account: string; reference?: string | undefined; routing: RoutingRecord },
  ) {
    super(detail);
    this.name = 'LabelOutcomeUnknownError';
    this.carrier = init.carrier;
    this.account = init.account;
    this.reference = init.reference;
    this.routing = init.routing;
  }
}

/** The same Idempotency-Key was used with a different body. */
export class IdempotencyConflictError extends Error {
  constructor(detail = 'this Idempotency-Key was first used with a different request body') {
    super(detail);
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * The first request with this Idempotency-Key is still being served (possibly by another
 * gateway instance) and did not finish while this one waited: retry later with the same key.
 */
export class IdempotencyInProgressError extends Error {
  readonly retryAfterMs: number;
  constructor(
    retryAfterMs: number,
    detail = 'the first request with this Idempotency-Key is still in progress; retry later with the same key',
  ) {
    super(detail);
    this.name = 'IdempotencyInProgressError';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The shared idempotency store cannot be reached (or could not confirm a claim): the label is
 * refused, not bought, so it is never bought twice by two instances. Retry with the same key.
 */
export class IdempotencyUnavailableError extends Error {
  readonly retryAfterMs: number;
  constructor(
    retryAfterMs: number,
    detail = 'label idempotency cannot be shared with the other gateway instances right now; nothing was bought: retry later with the same key',
  ) {
    super(detail);
    this.name = 'IdempotencyUnavailableError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request names something the gateway does not have (carrier, account, service). */
export class NotFoundError extends Error {
  readonly field: string | undefined;
  constructor(detail: string, field?: string) {
    super(detail);
    this.name = 'NotFoundError';
    this.field = field;
  }
}

/** A request that is valid JSON but cannot be served as asked (unknown service, format not offered). */
export class UnprocessableError extends Error {
  readonly field: string;
  constructor(detail: string, field: string) {
    super(detail);
    this.name = 'UnprocessableError';
    this.field = field;
  }
}
