/** Per-carrier resilience settings, resolved from configuration with documented defaults. */

export interface BreakerSettings {
  /** Opens when weighted failures / calls in the window exceed this percentage. */
  errorThresholdPercentage: number;
  /** Weighted calls needed in the window before the breaker may open. */
  volumeThreshold: number;
  rollingWindowMs: number;
  /** How long it stays open before one half-open probe is let through. */
  resetTimeoutMs: number;
}

export interface CarrierPolicy {
  fallbacks: readonly string[];
  breaker: { auth: BreakerSettings; api: BreakerSettings };
  timeouts: { connectMs: number; totalMs: number; tokenMs: number };
}

/**
 * Auth: 5 weighted failures in 30 s at > 50 % open it — enough to ignore one unlucky call,
 * few enough that a revoked credential is found within a handful of requests. 30 s open,
 * then one probe: short enough to come back quickly after a carrier fixes its side.
 */
export const DEFAULT_AUTH_BREAKER: BreakerSettings = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  rollingWindowMs: 30_000,
  resetTimeoutMs: 30_000,
};

/** API: needs more volume (10 in 10 s) because single 5xx blips are common and retried elsewhere. */
export const DEFAULT_API_BREAKER: BreakerSettings = {
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 15_000,
};

export const DEFAULT_TIMEOUTS = { connectMs: 3_000, totalMs: 15_000, tokenMs: 10_000 };

export const DEFAULT_POLICY: CarrierPolicy = {
  fallbacks: [],
  breaker: { auth: DEFAULT_AUTH_BREAKER, api: DEFAULT_API_BREAKER },
  timeouts: DEFAULT_TIMEOUTS,
};
