/**
 * The configuration file, as one strict zod schema. Secrets are never inlined: they are
 * references `{ "env": "VAR_NAME" }` resolved at load time (see load.ts). Defaults live here.
 */
import { z } from '@hono/zod-openapi';
import { LOG_LEVELS } from '../log/logger.ts';
import {
  DEFAULT_API_BREAKER,
  DEFAULT_AUTH_BREAKER,
  DEFAULT_TIMEOUTS,
  type BreakerSettings as ResilienceBreakerSettings,
} from '../resilience/settings.ts';

export const EnvRef = z
  .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') })
  .strict();
export type EnvRef = z.infer<typeof EnvRef>;

/** A secret: only a reference is accepted, and an inlined string gets a message saying so. */
export const SecretRef = z.unknown().transform((value, ctx): EnvRef => {
  if (typeof value === 'string') {
    ctx.addIssue({
      code: 'custom',
      message: 'a secret must not be inlined in the file: reference it as { "env": "VAR_NAME" }',
    });
    return z.NEVER;
  }
  const parsed = EnvRef.safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'must be a reference { "env": "VAR_NAME" }' });
    return z.NEVER;
  }
  return parsed.data;
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const positiveMs = z.number().int().positive({ error: 'must be a positive number of milliseconds' });

/** Breaker settings whose defaults are the ones justified in resilience/settings.ts. */
const breakerSettings = (defaults: ResilienceBreakerSettings) =>
  z
    .object({
      errorThresholdPercentage: z.number().gt(0).max(100).default(defaults.errorThresholdPercentage),
      volumeThreshold: z.number().int().positive().default(defaults.volumeThreshold),
      rollingWindowMs: positiveMs.default(defaults.rollingWindowMs),
      resetTimeoutMs: positiveMs.default(defaults.resetTimeoutMs),
    })
    .strict();

export const AUTH_METHOD_KINDS = [
  'client_credentials',
  'password',
  'authorization_code',
  'api_key',
  'basic',
  'body_credentials',
] as const;

const RotationConfig = z
  .object({
    credentialExpiresAt: z.iso.datetime({ offset: true }).optional(),
    lastRotatedAt: z.iso.datetime({ offset: true }).optional(),
    rotateEveryDays: z.number().positive().optional(),
    warnDays: z.number().positive().optional(),
  })
  .strict();

/** Health alerts: sinks, windows and thresholds (defaults in src/health/settings.ts). */
const AlertsConfig = z
  .object({
    webhook: z
      .object({
        url: httpUrl,
        secret: SecretRef,
        maxAttempts: z.number().int().min(1).max(10).default(5),
        backoffMs: positiveMs.default(1_000),
        timeoutMs: positiveMs.default(5_000),
      })
      .strict()
      .optional(),
    windowMs: positiveMs.optional(),
    clearForMs: positiveMs.optional(),
    cooldownMs: positiveMs.optional(),
    evaluateIntervalMs: positiveMs.optional(),
    geo: z
      .object({ countryHeader: z.string().min(1).optional(), clientIpHeader: z.string().min(1).optional() })
      .strict()
      .optional(),
    thresholds: z
      .object({
        tokenSuccessRate: z.number().gt(0).max(1),
        tokenMinCalls: z.number().int().positive(),
        unauthorizedCount: z.number().int().positive(),
        lifetimeRatio: z.number().gt(0).lt(1),
        lifetimeSamples: z.number().int().positive(),
        misconfiguredCount: z.number().int().positive(),
        expiryWarningDays: z.number().positive(),
        dormantDays: z.number().positive(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

const AccountConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, _ or -'),
    environment: z.enum(['sandbox', 'production']),
    /** Default: the carrier profile's default method. */
    auth: z.enum(AUTH_METHOD_KINDS).optional(),
    credentials: z.record(z.string(), SecretRef).default({}),
    settings: z.record(z.string(), z.string()).default({}),
    labels: z.record(z.string(), z.string()).default({}),
    /** Per profile host name; defaults from the profile's hosts for the environment. */
    baseUrls: z.record(z.string(), httpUrl).default({}),
    tokenCallsPerHour: z.number().int().positive().optional(),
    probe: z
      .object({ enabled: z.boolean().default(true), intervalMs: positiveMs.optional() })
      .strict()
      .prefault({}),
    /** Expiry and rotation policy: the credential_expiry alert warns ahead of these dates. */
    rotation: RotationConfig.optional(),
  })
  .strict();
export type AccountConfig = z.infer<typeof AccountConfig>;

const CarrierConfig = z
  .object({
    enabled: z.boolean().default(true),
    accounts: z.array(AccountConfig).min(1, 'configure at least one account'),
    fallbacks: z.array(z.string()).default([]),
    breaker: z
      .object({
        auth: breakerSettings(DEFAULT_AUTH_BREAKER).prefault({}),
        api: breakerSettings(DEFAULT_API_BREAKER).prefault({}),
      })
      .strict()
      .prefault({}),
    timeouts: z
      .object({
        connectMs: positiveMs.default(DEFAULT_TIMEOUTS.connectMs),
        totalMs: positiveMs.default(DEFAULT_TIMEOUTS.totalMs),
        tokenMs: positiveMs.default(DEFAULT_TIMEOUTS.tokenMs),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type CarrierConfig = z.infer<typeof CarrierConfig>;

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/, 'must be host:port');

/**
 * The shared store. Redis: `url` says how to reach it (user, password, TLS with rediss://,
 * database) and where to start: one host is a single server, several are cluster seeds;
 * with `sentinel`, its hosts are the sentinels. See README "Running several instances".
 */
const StoreConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z
    .object({
      kind: z.literal('redis'),
      url: SecretRef,
      /** Redis Cluster (a managed cluster's configuration endpoint is one host): more seeds. */
      cluster: z
        .object({ nodes: z.array(hostPort).default([]) })
        .strict()
        .optional(),
      /** A primary watched by Redis Sentinel: the url's hosts (and these) are the sentinels. */
      sentinel: z
        .object({
          masterName: z.string().min(1).max(200),
          nodes: z.array(hostPort).default([]),
          username: z.string().min(1).optional(),
          password: SecretRef.optional(),
          /** Whether the sentinels speak TLS (default: as the url's scheme). */
          tls: z.boolean().optional(),
        })
        .strict()
        .optional(),
      /** TLS of a rediss:// url: CA and client certificate, as PEM text or a PEM file path. */
      tls: z
        .object({
          ca: SecretRef.optional(),
          cert: SecretRef.optional(),
          key: SecretRef.optional(),
          serverName: z.string().min(1).optional(),
        })
        .strict()
        .optional(),
      /** Replicas that must hold a label's idempotency claim before it is bought (default: 1 with sentinel, else 0). */
      idempotencyReplicaAcks: z.number().int().min(0).max(10).optional(),
      /**
       * With Redis unreachable a label is refused (503 idempotency-unavailable: nothing is bought
       * twice across instances). 'local' keeps each answer on its instance instead: for a single
       * instance only.
       */
      idempotencyWhenUnreachable: z.enum(['refuse', 'local']).default('refuse'),
      encryptionKeys: z
        .array(
          z
            .object({
              // Stored beside each sealed token, so keys can rotate.
              id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -'),
              key: SecretRef,
            })
            .strict(),
        )
        .default([]),
      namespace: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/)
        .default('gateway'),
    })
    .strict(),
]);
export type StoreConfig = z.infer<typeof StoreConfig>;

/** The Redis store with its secrets resolved. */
export interface RedisStoreSettings {
  kind: 'redis';
  url: string;
  encryptionKeys: { id: string; key: string }[];
  namespace: string;
  cluster?: { nodes: string[] };
  sentinel?: { masterName: string; nodes: string[]; username?: string; password?: string; tls?: boolean };
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string };
  idempotencyReplicaAcks?: number;
  /** What a label does while Redis is unreachable: refused (default) or answered by this instance only. */
  idempotencyWhenUnreachable?: 'refuse' | 'local';
}

export const ConfigFile = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65_535).default(8080),
        host: z.string().min(1).default('127.0.0.1'),
        bodyLimitBytes: z.number().int().positive().default(262_144),
        shutdownTimeoutMs: positiveMs.default(10_000),
        publicUrl: httpUrl.optional(),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    apiKeys: z.array(SecretRef).default([]),
    adminKeys: z.array(SecretRef).default([]),
    store: StoreConfig.default({ kind: 'memory' }),
    carriers: z.record(z.string(), CarrierConfig).default({}),
    probes: z
      .object({ intervalMs: positiveMs.default(60_000) })
      .strict()
      .prefault({}),
    telemetry: z
      .object({ metricsEndpoint: z.boolean().default(false) })
      .strict()
      .prefault({}),
    alerts: AlertsConfig.optional(),
  })
  .strict();
export type ConfigFile = z.infer<typeof ConfigFile>;

/** The loaded configuration: references resolved, environment overrides applied. */
export interface GatewayConfig {
  server: ConfigFile['server'];
  logLevel: ConfigFile['logLevel'];
  apiKeys: string[];
  adminKeys: string[];
  store: { kind: 'memory' } | RedisStoreSettings;
  /** Per carrier: everything but the accounts' secrets (those are in ResolvedAccount). */
  carriers: Record<
    string,
    Omit<CarrierConfig, 'accounts'> & {
      accounts: {
        id: string;
        probe: { enabled: boolean; intervalMs: number };
        rotation?: AccountConfig['rotation'];
      }[];
    }
  >;
  probes: ConfigFile['probes'];
  telemetry: ConfigFile['telemetry'];
  /** Health alerts, with the webhook secret resolved (absent: defaults, log sink only). */
  alerts?: Omit<NonNullable<ConfigFile['alerts']>, 'webhook'> & {
    webhook?: Omit<NonNullable<NonNullable<ConfigFile['alerts']>['webhook']>, 'secret'> & { secret: string };
  };
}
