/**
 * Health monitoring settings: probe cadence, signal windows, alert thresholds, sinks. Every
 * default is documented here and in the README ("Health, alerts and the dashboard").
 */

export interface WebhookSettings {
  url: string;
  /** HMAC-SHA256 key of the signature header. */
  secret: string;
  /** Deliveries tried per notification (first try included). */
  maxAttempts: number;
  /** First retry delay; doubled each retry (with jitter), capped at 30 s. */
  backoffMs: number;
  /** One delivery attempt's timeout. */
  timeoutMs: number;
}

export interface AlertThresholds {
  /** token_success_rate: fires below this success share... */
  tokenSuccessRate: number;
  /** ...once at least this many token calls were made in the window. */
  tokenMinCalls: number;
  /** unauthorized_rising: use-time 401s on credentials believed valid in the window. */
  unauthorizedCount: number;
  /** refresh_frequency_rising: a token replaced before this share of its expected lifetime... */
  lifetimeRatio: number;
  /** ...this many times within lifetimeWindowMs. */
  lifetimeSamples: number;
  lifetimeWindowMs: number;
  /** config_drift: scope, permission or client failures in the window. */
  misconfiguredCount: number;
  /** credential_expiry: warn this many days before a credential, refresh token or rotation date. */
  expiryWarningDays: number;
  /** credential_dormant: no use for this many days. */
  dormantDays: number;
  /** caller_new_network: an anomaly resolves after this long without a new sighting. */
  geoResolveMs: number;
}

export interface HealthSettings {
  /** Default probe interval per account (config `probes.intervalMs`). */
  probeIntervalMs: number;
  /** Each interval is drawn in [1 - j, 1 + j] x interval so accounts never probe in lockstep. */
  probeJitterRatio: number;
  /** How often alert rules and scores are evaluated. */
  evaluateIntervalMs: number;
  /** How often idle refresh tokens are kept alive (broker.keepAlive). */
  keepAliveIntervalMs: number;
  /** The sliding window of the health signals and most rules. */
  windowMs: number;
  /** An incident resolves after its condition stayed clear this long (no flapping). */
  clearForMs: number;
  /** After a resolution, the same incident may not fire again for this long. */
  cooldownMs: number;
  thresholds: AlertThresholds;
  /** Trusted request headers for the caller-key anomaly rule (set only behind a proxy that sets them). */
  geo: { countryHeader?: string | undefined; clientIpHeader?: string | undefined };
  webhook?: WebhookSettings | undefined;
  /** How many alerts, failovers and probe results the dashboard keeps. */
  recentLimit: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  tokenSuccessRate: 0.8,
  tokenMinCalls: 5,
  unauthorizedCount: 3,
  lifetimeRatio: 0.5,
  lifetimeSamples: 3,
  lifetimeWindowMs: 3_600_000,
  misconfiguredCount: 1,
  expiryWarningDays: 14,
  dormantDays: 30,
  geoResolveMs: 3_600_000,
};

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  probeIntervalMs: 60_000,
  probeJitterRatio: 0.1,
  evaluateIntervalMs: 5_000,
  keepAliveIntervalMs: 600_000,
  windowMs: 300_000,
  clearForMs: 60_000,
  cooldownMs: 900_000,
  thresholds: DEFAULT_THRESHOLDS,
  // No header is trusted by default: clients could set it themselves unless a proxy overwrites it.
  geo: {},
  recentLimit: 50,
};

export type HealthSettingsInput = Partial<Omit<HealthSettings, 'thresholds' | 'geo'>> & {
  thresholds?: Partial<AlertThresholds>;
  geo?: HealthSettings['geo'];
};

export function healthSettings(...inputs: (HealthSettingsInput | undefined)[]): HealthSettings {
  let out: HealthSettings = DEFAULT_HEALTH_SETTINGS;
  for (const input of inputs) {
    if (input === undefined) continue;
    out = {
      ...out,
      ...input,
      thresholds: { ...out.thresholds, ...input.thresholds },
      geo: input.geo ?? out.geo,
    };
  }
  return out;
}

export const DAY_MS = 86_400_000;
