/**
 * The instruments of the health signals (health-metrics.ts and state-gauges.ts): created on
 * first use, after the runtime installed its meter provider. Off the request's hot path, so
 * they take the plain route: labels through redact.ts, nothing else.
 */
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { instruments } from './instruments.ts';
import { HTTP_DURATION_BUCKETS, METRIC } from './names.ts';
import { safeAttributes } from './redact.ts';

export interface SignalCounter {
  add(value: number, attributes: Attributes): void;
}

export interface SignalHistogram {
  record(value: number, attributes: Attributes): void;
}

function counter(name: string, description: string): () => SignalCounter {
  let made: Counter | undefined;
  return () => {
    made ??= instruments.meter().createCounter(name, { description });
    const c = made;
    return { add: (value, attributes) => c.add(value, safeAttributes(attributes)) };
  };
}

function histogram(name: string, description: string, unit: string): () => SignalHistogram {
  let made: Histogram | undefined;
  return () => {
    made ??= instruments.meter().createHistogram(name, {
      description,
      unit,
      advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
    });
    const h = made;
    return { record: (value, attributes) => h.record(value, safeAttributes(attributes)) };
  };
}

function gauge(name: string, description: string) {
  return () => instruments.meter().createObservableGauge(name, { description });
}

export const signalInstruments = {
  tokenReplacements: counter(
    METRIC.tokenReplacements,
    'Cached tokens replaced by a new one; early when it lived less than half its expected lifetime.',
  ),
  unauthorized: counter(
    METRIC.unauthorized,
    'Use-time 401s on tokens believed valid (first sends), by carrier, account and operation.',
  ),
  scopeFailures: counter(
    METRIC.scopeFailures,
    'Scope, permission and client failures: token calls classified misconfigured, carrier API 403s.',
  ),
  throttled: counter(
    METRIC.throttled,
    'Throttled token calls and carrier API calls (429, quota, slow_down).',
  ),
  probeDuration: histogram(METRIC.probeDuration, 'Duration of synthetic probes.', 's'),
  breakerTransitions: counter(
    METRIC.breakerTransitions,
    'Circuit breaker state changes, by the state entered.',
  ),
  labelOutcomes: counter(METRIC.labelOutcomes, 'Label purchases by outcome: bought, unknown or refused.'),
  labelConversions: counter(
    METRIC.labelConversions,
    'Labels converted to PDF from the image format the carrier prints.',
  ),
  idempotencyReplays: counter(
    METRIC.idempotencyReplays,
    "Label requests answered from their Idempotency-Key's first answer.",
  ),
  quotaRemaining: gauge(
    METRIC.quotaRemaining,
    "Token calls left in the account's hourly allowance (accounts with a limit only).",
  ),
  quotaLimit: gauge(METRIC.quotaLimit, "The account's hourly token-call allowance."),
  healthScore: gauge(METRIC.healthScore, 'Health score per account, 0-100 (accounts with evidence only).'),
  sharedStoreReachable: gauge(
    METRIC.sharedStoreReachable,
    'Whether the shared store (Redis) answers: 1 reachable, 0 degraded mode.',
  ),
};
