/**
 * The label idempotency store on Workers: the same contract as the in-memory one (first
 * outcome replayed, other body is a conflict, a concurrent replay waits for the first), kept
 * by the key's ledger object so it holds across every isolate.
 */

import { errorFromWire, errorToWire } from '../../../domain/error-wire.ts';
import { IdempotencyConflictError, IdempotencyInProgressError } from '../../../domain/errors.ts';
import type { Label } from '../../../domain/shipment.ts';
import type { IdempotencyStore } from '../../../resilience/idempotency.ts';
import type { DurableObjectNamespace } from '../durable-object.ts';
import { LEDGER_URL, LedgerAnswer, type LedgerCall, ledgerName, type Outcome } from './protocol.ts';

export interface LedgerStoreOptions {
  namespace: DurableObjectNamespace;
  /** How long a replay waits for a first request still running (default 25 s). */
  waitMs?: number;
}

/** What a replay that found the first request still running is told to wait. */
const RETRY_PENDING_AFTER_MS = 2_000;

export class IdempotencyLedgerUnavailableError extends Error {
  constructor() {
    super('the idempotency ledger did not answer');
    this.name = 'IdempotencyLedgerUnavailableError';
  }
}

export function createLedgerIdempotencyStore(options: LedgerStoreOptions): IdempotencyStore<Label> {
  const waitMs = options.waitMs ?? 25_000;

  async function call(key: string, body: LedgerCall): Promise<LedgerAnswer> {
    // A stub is bound to the request that made it: a fresh one per call.
    const stub = options.namespace.get(options.namespace.idFromName(ledgerName(key)));
    try {
      const res = await stub.fetch(LEDGER_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return LedgerAnswer.parse(await res.json());
    } catch {
      throw new IdempotencyLedgerUnavailableError();
    }
  }

  function replay(outcome: Outcome): Label {
    if (outcome.ok) return outcome.value;
    throw errorFromWire(outcome.error);
  }

  return {
    async run(key, fingerprint, work) {
      const answer = await call(key, { op: 'begin', fingerprint, waitMs });
      switch (answer.state) {
        case 'settled':
          return replay(answer.outcome);
        case 'conflict':
          throw new IdempotencyConflictError();
        case 'pending':
          throw new IdempotencyInProgressError(RETRY_PENDING_AFTER_MS);
        case 'abandoned':
          throw new IdempotencyConflictError(
            'the first request with this Idempotency-Key never finished, so whether it bought a label is unknown',
          );
        case 'recorded':
          // Only a settle answers this: a ledger that does is not one we understand.
          throw new IdempotencyLedgerUnavailableError();
        case 'run':
          break;
      }
      let outcome: Outcome;
      let thrown: unknown;
      try {
        outcome = { ok: true, value: await work() };
      } catch (error) {
        thrown = error;
        outcome = { ok: false, error: errorToWire(error) };
      }
      // If the ledger misses this, the key stays pending and later replays get a conflict:
      // never a second purchase.
      await call(key, { op: 'settle', fingerprint, outcome }).catch(() => undefined);
      if (outcome.ok) return outcome.value;
      throw thrown;
    },
  };
}
