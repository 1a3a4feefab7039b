/** Builds routing records: which carrier was asked, which served, and each attempt. */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type FailureClass, isCarrierError } from '../domain/failure.ts';
import type { CarrierMessage, RoutingAttempt, RoutingRecord } from '../domain/shipment.ts';
import { activeSpan } from '../telemetry/instruments.ts';
import { ATTR } from '../telemetry/names.ts';

export class RoutingLog {
  readonly requested: string;
  readonly attempts: RoutingAttempt[] = [];
  servedBy: string | null = null;
  /** Failed attempts that reached the carrier, or may have (anything but a local refusal). */
  #contacted = 0;
  #now: () => number;

  constructor(requested: string, now: () => number = Date.now) {
    this.requested = requested;
    this.#now = now;
  }

  /** Times `work` as one attempt span and records its outcome; rethrows its error. */
  attempt<T>(carrier: string, account: string, work: () => Promise<T>): Promise<T> {
    const index = this.attempts.filter((a) => a.outcome !== 'skipped').length;
    const attributes = () => ({
      [ATTR.carrier]: carrier,
      [ATTR.account]: account,
      [ATTR.requested]: this.requested,
      ...(index > 0 ? { [ATTR.resendCount]: index } : {}),
    });
    return activeSpan(`attempt ${carrier}`, SpanKind.INTERNAL, attributes, async (span) => {
      const started = this.#now();
      try {
        const result = await work();
        this.attempts.push({ carrier, account, outcome: 'success', elapsedMs: this.#now() - started });
        this.servedBy = carrier;
        span.setAttributes({ [ATTR.attemptOutcome]: 'success', [ATTR.servedBy]: carrier });
        return result;
      } catch (error) {
        if (!(isCarrierError(error) && error.localRefusal)) this.#contacted += 1;
        this.attempts.push({
          carrier,
          account,
          outcome: 'failed',
          ...(isCarrierError(error)
            ? { class: error.failureClass, reason: error.message }
            : { reason: 'internal error' }),
          elapsedMs: this.#now() - started,
        });
        span.setAttribute(ATTR.attemptOutcome, 'failed');
        if (isCarrierError(error)) span.setAttribute(ATTR.failureClass, error.failureClass);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * Whether the next attempt would be a retry: a carrier was really called (or may have been)
   * and failed. Going past a carrier the gateway refused itself sends nothing to it (an open
   * breaker, whether skipped up front or met inside the attempt, the broker's cooldown after a
   * failed token call, a spent token quota), so it is not a retry and spends no failover budget:
   * the budget exists to stop retries multiplying load. Such refusals still count for the auth
   * breaker, which wraps them (src/resilience/board.ts).
   */
  retrying(): boolean {
    return this.#contacted > 0;
  }

  skip(carrier: string, account: string, reason: string, failureClass?: FailureClass): void {
    this.attempts.push({
      carrier,
      account,
      outcome: 'skipped',
      reason,
      ...(failureClass ? { class: failureClass } : {}),
      elapsedMs: 0,
    });
  }

  record(): RoutingRecord {
    return {
      requested: this.requested,
      servedBy: this.servedBy,
      failedOver: this.servedBy !== null && this.servedBy !== this.requested,
      attempts: this.attempts,
    };
  }
}

/** One caller-facing message for a carrier's failure; never includes secrets (messages are built safe). */
export function messageFrom(carrier: string, error: unknown): CarrierMessage {
  if (isCarrierError(error)) {
    return {
      carrier,
      account: error.account,
      code: error.code ?? error.failureClass,
      class: error.failureClass,
      text: error.message,
    };
  }
  return {
    carrier,
    code: 'internal',
    class: 'unavailable',
    text: 'the gateway failed while asking this carrier',
  };
}
