/**
 * The health signals the gateway reasons about, as metrics: every one heard on the event
 * stream where it happens (health's own signals.ts reads the same events), so Prometheus
 * rules can mirror the gateway's alert rules. Labels are ids and small enums only: carrier,
 * account, class, operation, outcome; never a tracking number, a key or a token.
 */
import type { EventBus } from '../events/bus.ts';
import type { AccountRef, ExchangeEvent, TokenCallEvent } from '../events/types.ts';
import { ATTR } from './names.ts';
import { quotaReaderFromEvents } from './quota-reader.ts';
import { signalInstruments as m } from './signal-instruments.ts';
import { observeStateGauges, type StateReaders } from './state-gauges.ts';
import { createLifetimeTracker } from './token-lifetimes.ts';

const idsOf = (ref: AccountRef) => ({ [ATTR.carrier]: ref.carrier, [ATTR.account]: ref.account });

/** Token calls, live and probe alike (health counts both): scope failures and throttling. */
function tokenCallSignals(event: TokenCallEvent): void {
  if (event.outcome !== 'failure') return;
  const labels = { ...idsOf(event), [ATTR.signalOrigin]: 'token' };
  if (event.failureClass === 'misconfigured') m.scopeFailures().add(1, labels);
  if (event.failureClass === 'throttled') m.throttled().add(1, labels);
}

/** Carrier API exchanges: 401s on tokens believed valid, 403s, throttling. */
function exchangeSignals(event: ExchangeEvent): void {
  // Most exchanges are none of these: no label object is built for them.
  const labels = () => ({ ...idsOf(event), [ATTR.signalOrigin]: 'api' });
  // A resend's 401 follows the forced refresh of the first one: only first sends count.
  if (event.status === 401 && event.resendCount === 0)
    m.unauthorized().add(1, { ...idsOf(event), [ATTR.operation]: event.operation });
  if (event.status === 403 || event.failureClass === 'misconfigured') m.scopeFailures().add(1, labels());
  if (event.status === 429 || event.failureClass === 'throttled') m.throttled().add(1, labels());
}

/** Subscribes the signal metrics to `bus`; returns the unsubscription. */
export function subscribeHealthMetrics(bus: EventBus, now: () => number = Date.now): () => void {
  const lifetimes = createLifetimeTracker();
  return bus.subscribe((event) => {
    switch (event.type) {
      case 'token.call':
        tokenCallSignals(event);
        return;
      case 'exchange':
        exchangeSignals(event);
        return;
      case 'token.stored': {
        const replaced = lifetimes.stored(event.carrier, event.account, event.name, event.expiresAt, now());
        if (replaced)
          m.tokenReplacements().add(1, { ...idsOf(event), [ATTR.tokenEarly]: String(replaced.early) });
        return;
      }
      case 'credentials.dropped':
        lifetimes.dropped(event.carrier, event.account);
        return;
      case 'probe.result':
        m.probeDuration().record(event.latencyMs / 1000, {
          ...idsOf(event),
          [ATTR.probeOutcome]: event.outcome,
        });
        return;
      case 'breaker.changed':
        m.breakerTransitions().add(1, {
          ...idsOf(event),
          [ATTR.breakerKind]: event.kind,
          [ATTR.breakerState]: event.state,
        });
        return;
      case 'label.outcome':
        m.labelOutcomes().add(1, { ...idsOf(event), [ATTR.labelOutcome]: event.outcome });
        if (event.convertedFrom)
          m.labelConversions().add(1, { ...idsOf(event), [ATTR.labelConvertedFrom]: event.convertedFrom });
        return;
      case 'idempotency.replayed':
        m.idempotencyReplays().add(1, { [ATTR.carrier]: event.carrier });
        return;
      default:
        return;
    }
  });
}

/** The signal metrics and the state gauges, as the composition starts them; returns what stops both. */
export function startSignalMetrics(bus: EventBus, readers: Omit<StateReaders, 'quota'>): () => void {
  const quota = quotaReaderFromEvents(bus);
  const stops = [subscribeHealthMetrics(bus), quota.stop, observeStateGauges({ ...readers, quota })];
  return () => {
    for (const stop of stops) stop();
  };
}
