/**
 * The one failure vocabulary of the gateway. Errors, metrics, alerts, health scores and
 * triage all speak it. The first seven are the design's auth classes; `rejected` is a
 * carrier explicitly refusing a request's content (never an auth or availability problem).
 */
export const FAILURE_CLASSES = [
  'throttled',
  'unavailable',
  'token_expired',
  'refresh_race',
  'revoked',
  'misconfigured',
  'malformed',
  'rejected',
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Whether a request certainly reached the carrier: decides if a label may be failed over. */
export type SendOutcome =
  /** Nothing was sent (auth failed first, breaker open, connection refused). Safe to fail over. */
  | 'not_sent'
  /** The carrier answered and explicitly created nothing (4xx rejection). Safe to fail over. */
  | 'rejected'
  /** The request may have been processed (timeout after send, connection lost, 5xx on a create). */
  | 'ambiguous';

export interface CarrierErrorInit {
  carrier: string;
  account: string;
  failureClass: FailureClass;
  outcome: SendOutcome;
  message: string;
  /** The carrier's own error code, when it gave one. */
  code?: string | undefined;
  /** Upstream HTTP status, when there was an answer. */
  status?: number | undefined;
  /** Milliseconds to wait before trying again (from Retry-After or a quota). */
  retryAfterMs?: number | undefined;
  /** True when the failure came from authentication (token endpoint or a use-time 401). */
  auth?: boolean | undefined;
  /**
   * True when the gateway refused the call itself and sent the carrier nothing: an open breaker,
   * the broker's cooldown after a failed token call, a spent token quota. Routing on from such a
   * refusal is not a retry, so it spends no failover budget.
   */
  localRefusal?: boolean | undefined;
  cause?: unknown;
}

/** A classified failure talking to a carrier. Its message never contains secrets. */
export class CarrierError extends Error {
  readonly carrier: string;
  readonly account: string;
  readonly failureClass: FailureClass;
  readonly outcome: SendOutcome;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly auth: boolean;
  readonly localRefusal: boolean;

  constructor(init: CarrierErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CarrierError';
    this.carrier = init.carrier;
    this.account = init.account;
    this.failureClass = init.failureClass;
    this.outcome = init.outcome;
    this.code = init.code;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.auth = init.auth ?? false;
    this.localRefusal = init.localRefusal ?? false;
  }
}

export const isCarrierError = (e: unknown): e is CarrierError => e instanceof CarrierError;

/** Failure classes that are the carrier's authentication failing (they feed the auth breaker). */
export const AUTH_FAILURE_CLASSES: ReadonlySet<FailureClass> = new Set([
  'throttled',
  'unavailable',
  'token_expired',
  'refresh_race',
  'revoked',
  'misconfigured',
  'malformed',
]);
