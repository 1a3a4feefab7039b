/**
 * The gateway's tracer and meters, from @opentelemetry/api only: without an SDK installed
 * they are no-ops costing next to nothing; the runtime entries install the SDK. Every metric
 * label goes through redact.ts on its way out.
 */
import {
  type Attributes,
  type Counter,
  type Histogram,
  metrics,
  type ObservableCallback,
  type ObservableGauge,
  type ProxyTracerProvider,
  type Span,
  type SpanKind,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { HTTP_DURATION_BUCKETS, INSTRUMENTATION_SCOPE, METRIC } from './names.ts';
import { safeAttributes } from './redact.ts';

/**
 * The gateway's tracer from the provider installed now. A provider's `getTracer` builds a key
 * string and looks it up on every call (every span, sampled or not): the tracer is kept and
 * looked up again only when another provider is installed.
 */
let current: { provider: TracerProvider; tracer: Tracer } | undefined;

export function tracer(): Tracer {
  const global = trace.getTracerProvider();
  // The API hands out a proxy whose delegate is the installed provider (a no-op one before).
  const provider = 'getDelegate' in global ? (global as ProxyTracerProvider).getDelegate() : global;
  if (current?.provider !== provider)
    current = { provider, tracer: provider.getTracer(INSTRUMENTATION_SCOPE) };
  return current.tracer;
}

/**
 * `startActiveSpan` with the span's attributes set once it is known to record. The SDK cleans
 * the attributes handed to `startSpan` even for a span its sampler drops (9 in 10 by default),
 * and the samplers OTEL_TRACES_SAMPLER can name decide on the trace id and the parent alone.
 */
export function activeSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: () => Attributes,
  work: (span: Span) => T,
): T {
  return tracer().startActiveSpan(name, { kind }, (span) => {
    if (span.isRecording()) span.setAttributes(attributes());
    return work(span);
  });
}

const meter = () => metrics.getMeter(INSTRUMENTATION_SCOPE);

/** Instruments are created on first use, after the runtime had a chance to install a provider. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

function safeCounter(counter: Counter): Counter {
  return { add: (value, attributes, ctx) => counter.add(value, safeAttributes(attributes), ctx) };
}

function safeHistogram(histogram: Histogram): Histogram {
  return { record: (value, attributes, ctx) => histogram.record(value, safeAttributes(attributes), ctx) };
}

/** A reading of an observable gauge: its value and labels. */
export interface GaugeReading {
  value: number;
  attributes: Attributes;
}

/**
 * Adds a callback to an observable gauge whose readings are redacted; returns its removal
 * (a composition that closes must stop being observed).
 */
export function observeGauge(
  gauge: ObservableGauge,
  read: () => Iterable<GaugeReading> | Promise<Iterable<GaugeReading>>,
): () => void {
  const callback: ObservableCallback = async (result) => {
    for (const reading of await read()) result.observe(reading.value, safeAttributes(reading.attributes));
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

export const instruments = {
  serverDuration: lazy(() =>
    safeHistogram(
      meter().createHistogram(METRIC.serverDuration, {
        unit: 's',
        description: 'Duration of HTTP server requests.',
        advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
      }),
    ),
  ),
  clientDuration: lazy(() =>
    safeHistogram(
      meter().createHistogram(METRIC.clientDuration, {
        unit: 's',
        description: 'Duration of HTTP client requests to carriers.',
        advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
      }),
    ),
  ),
  tokenRequests: lazy(() =>
    safeCounter(
      meter().createCounter(METRIC.tokenRequests, {
        description: 'Token endpoint calls by carrier, account, outcome and failure class.',
      }),
    ),
  ),
  tokenRefreshDuration: lazy(() =>
    safeHistogram(
      meter().createHistogram(METRIC.tokenRefreshDuration, {
        unit: 's',
        description: 'Duration of token endpoint calls.',
        advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
      }),
    ),
  ),
  tokenTimeToExpiry: lazy(() =>
    meter().createObservableGauge(METRIC.tokenTimeToExpiry, {
      unit: 's',
      description: 'Seconds until each cached token expires (negative: expired).',
    }),
  ),
  breakerState: lazy(() =>
    meter().createObservableGauge(METRIC.breakerState, {
      description: 'Circuit breaker state per carrier account and kind: 0 closed, 1 half-open, 2 open.',
    }),
  ),
  failovers: lazy(() =>
    safeCounter(
      meter().createCounter(METRIC.failovers, {
        description: 'Requests served by a fallback carrier, by from, to and reason.',
      }),
    ),
  ),
  singleFlightWaiters: lazy(() =>
    safeCounter(
      meter().createCounter(METRIC.singleFlightWaiters, {
        description: 'Callers that joined a token refresh already in flight.',
      }),
    ),
  ),
  probeResults: lazy(() =>
    safeCounter(
      meter().createCounter(METRIC.probeResults, {
        description: 'Synthetic probe results by carrier, account and outcome.',
      }),
    ),
  ),
  storePrimary: lazy(() =>
    meter().createObservableGauge(METRIC.storePrimary, {
      description: 'The shared store primaries this instance writes to (1 each), by topology and address.',
    }),
  ),
  storeFailovers: lazy(() =>
    meter().createObservableGauge(METRIC.storeFailovers, {
      description: 'Changes of shared store primary this instance has seen since it started.',
    }),
  ),
  meter,
};
