/**
 * Circuit breakers seen from telemetry: each state change is a `breaker.state_change` event
 * on the span that caused it (or that is active when a timer half-opens it) and a log line;
 * the state of every breaker is an observable gauge (0 closed, 1 half-open, 2 open).
 */
import { trace } from '@opentelemetry/api';
import type { BreakerChangedEvent, BreakerKind, BreakerState } from '../events/types.ts';
import { instruments, observeGauge } from './instruments.ts';
import { ATTR, EVENT } from './names.ts';

export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

interface StateLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** A 'breaker.changed' subscriber: span event, and a warning when a breaker opens. */
export function breakerStateListener(logger?: StateLogger): (change: BreakerChangedEvent) => void {
  return (change) => {
    const attributes = {
      [ATTR.carrier]: change.carrier,
      [ATTR.account]: change.account,
      [ATTR.breakerKind]: change.kind,
      [ATTR.breakerState]: change.state,
      ...(change.lastFailure ? { [ATTR.failureClass]: change.lastFailure.failureClass } : {}),
    };
    trace.getActiveSpan()?.addEvent(EVENT.breakerStateChange, attributes);
    const fields = {
      carrier: change.carrier,
      account: change.account,
      breaker: change.kind,
      state: change.state,
      ...(change.lastFailure ? { failureClass: change.lastFailure.failureClass } : {}),
    };
    if (change.state === 'open') logger?.warn('circuit breaker opened', fields);
    else logger?.info('circuit breaker state changed', fields);
  };
}

export interface BreakerReading {
  carrier: string;
  account: string;
  kind: BreakerKind;
  state: BreakerState;
}

/** Feeds the breaker-state gauge from `list` at each collection; returns the unsubscription. */
export function observeBreakerStates(list: () => Iterable<BreakerReading>): () => void {
  return observeGauge(instruments.breakerState(), function* () {
    for (const b of list()) {
      yield {
        value: BREAKER_STATE_VALUE[b.state],
        attributes: { [ATTR.carrier]: b.carrier, [ATTR.account]: b.account, [ATTR.breakerKind]: b.kind },
      };
    }
  });
}
