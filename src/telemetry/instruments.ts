/**
 * The gateway's tracer and meters, from @opentelemetry/api only: without an SDK installed
 * they are no-ops costing next to nothing; the runtime entries install the SDK.
 */
import { metrics, trace } from '@opentelemetry/api';
import { HTTP_DURATION_BUCKETS, INSTRUMENTATION_SCOPE, METRIC } from './names.ts';

export const tracer = () => trace.getTracer(INSTRUMENTATION_SCOPE);

const meter = () => metrics.getMeter(INSTRUMENTATION_SCOPE);

/** Instruments are created on first use, after the runtime had a chance to install a provider. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const instruments = {
  serverDuration: lazy(() =>
    meter().createHistogram(METRIC.serverDuration, {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
    }),
  ),
  clientDuration: lazy(() =>
    meter().createHistogram(METRIC.clientDuration, {
      unit: 's',
      description: 'Duration of HTTP client requests to carriers.',
      advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
    }),
  ),
  tokenRequests: lazy(() =>
    meter().createCounter(METRIC.tokenRequests, {
      description: 'Token endpoint calls by carrier, account, outcome and failure class.',
    }),
  ),
  tokenRefreshDuration: lazy(() =>
    meter().createHistogram(METRIC.tokenRefreshDuration, {
      unit: 's',
      description: 'Duration of token endpoint calls.',
      advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
    }),
  ),
  failovers: lazy(() =>
    meter().createCounter(METRIC.failovers, {
      description: 'Requests served by a fallback carrier, by from, to and reason.',
    }),
  ),
  singleFlightWaiters: lazy(() =>
    meter().createCounter(METRIC.singleFlightWaiters, {
      description: 'Callers that joined a token refresh already in flight.',
    }),
  ),
  probeResults: lazy(() =>
    meter().createCounter(METRIC.probeResults, {
      description: 'Synthetic probe results by carrier, account and outcome.',
    }),
  ),
  meter,
};
