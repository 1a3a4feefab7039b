/**
 * Attribute and metric names, in one place. HTTP names follow the stable OpenTelemetry
 * semantic conventions; the gateway's own are namespaced and low-cardinality.
 */
export const ATTR = {
  carrier: 'carrier',
  account: 'carrier.account',
  operation: 'carrier.operation',
  failureClass: 'auth.failure_class',
  credentialName: 'auth.credential',
  tokenSource: 'auth.token.source',
  tokenReason: 'auth.token.reason',
  tokenOutcome: 'auth.token.outcome',
  servedBy: 'gateway.route.served_by',
  requested: 'gateway.route.requested',
  attemptOutcome: 'gateway.attempt.outcome',
  breakerKind: 'gateway.breaker.kind',
  breakerState: 'gateway.breaker.state',
  failoverFrom: 'gateway.failover.from',
  failoverTo: 'gateway.failover.to',
  failoverReason: 'gateway.failover.reason',
  probeOutcome: 'gateway.probe.outcome',
  tokenEarly: 'auth.token.early',
  signalOrigin: 'gateway.signal.origin',
  labelOutcome: 'gateway.label.outcome',
  labelConvertedFrom: 'gateway.label.converted_from',
  storeTopology: 'gateway.store.topology',
  // Stable HTTP semantic conventions.
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  httpRoute: 'http.route',
  resendCount: 'http.request.resend_count',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlFull: 'url.full',
  urlPath: 'url.path',
  urlScheme: 'url.scheme',
  errorType: 'error.type',
} as const;

/** Span names of the gateway's own internal spans, and its span event names. */
export const SPAN = {
  credential: 'auth.credential',
  tokenRefresh: 'auth.token.refresh',
} as const;

export const EVENT = {
  cacheHit: 'auth.token.cache_hit',
  waited: 'auth.token.wait',
  tokenCall: 'auth.token.call',
  breakerStateChange: 'breaker.state_change',
} as const;

export const METRIC = {
  serverDuration: 'http.server.request.duration',
  clientDuration: 'http.client.request.duration',
  tokenRequests: 'gateway.auth.token.requests',
  tokenRefreshDuration: 'gateway.auth.token.refresh.duration',
  tokenTimeToExpiry: 'gateway.auth.token.time_to_expiry',
  breakerState: 'gateway.breaker.state',
  failovers: 'gateway.failovers',
  singleFlightWaiters: 'gateway.auth.single_flight.waiters',
  probeResults: 'gateway.probe.results',
  // Health signals (health-metrics.ts, state-gauges.ts).
  tokenReplacements: 'gateway.auth.token.replacements',
  unauthorized: 'gateway.auth.unauthorized',
  scopeFailures: 'gateway.auth.scope_failures',
  throttled: 'gateway.throttled',
  quotaRemaining: 'gateway.auth.token.quota.remaining',
  quotaLimit: 'gateway.auth.token.quota.limit',
  probeDuration: 'gateway.probe.duration',
  healthScore: 'gateway.health.score',
  breakerTransitions: 'gateway.breaker.transitions',
  labelOutcomes: 'gateway.label.outcomes',
  labelConversions: 'gateway.label.conversions',
  idempotencyReplays: 'gateway.idempotency.replays',
  sharedStoreReachable: 'gateway.shared_store.reachable',
  // The shared store's topology (redis-status.ts).
  storePrimary: 'gateway.store.primary',
  storeFailovers: 'gateway.store.failovers',
} as const;

/** Seconds buckets of the stable HTTP duration histograms. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export const INSTRUMENTATION_SCOPE = 'carrier-gateway';
