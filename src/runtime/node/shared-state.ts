/**
 * What several gateway instances share through Redis, built once per instance on one
 * connection pair: the token store and its refresh locks, label idempotency records, auth
 * breaker decisions, and the readiness and alert events of the shared mode.
 *
 * When Redis goes away the instance keeps serving (tokens it holds, single-flight in this
 * process), `/readyz` says `degraded`, and one alert-worthy log line marks each transition;
 * when Redis returns, shared mode resumes by itself (ioredis reconnects and resubscribes).
 */

import type { RefreshCoordinator } from '../../auth/coordination.ts';
import type { ControlPlane } from '../../control/types.ts';
import type { Label as LabelType } from '../../domain/shipment.ts';
import { Label } from '../../domain/shipment.ts';
import type { ReadinessReport } from '../../gateway/service.ts';
import type { Logger } from '../../log/logger.ts';
import { type BreakerSync, createBreakerSync } from '../../resilience/breaker-sync.ts';
import type { IdempotencyStore } from '../../resilience/idempotency.ts';
import { createSealer, type EncryptionKeyConfig } from '../../store/encryption.ts';
import { createRedisTokenStore, type RedisTokenStore } from '../../store/redis.ts';
import { createRedisBreakerChannel } from '../../store/redis-breaker-channel.ts';
import { createRedisConnection, type RedisConnection } from '../../store/redis-connection.ts';
import { createRedisControlPlane } from '../../store/redis-control.ts';
import { createRedisIdempotencyStore } from '../../store/redis-idempotency.ts';

/** Timings of the shared mode; the defaults suit production, tests shorten them. */
export interface SharedStateTuning {
  /** Lease of a refresh lock (renewed while the refresh runs); default: token timeout + 5 s. */
  lockTtlMs?: number;
  /** Poll interval while waiting for another instance (pub/sub normally wakes sooner). */
  pollMs?: number;
  /** How long a label repeat waits for the first request on another instance (default 20 s). */
  idempotencyWaitMs?: number;
  /** Lease of a label request in progress, after which its key is free again (default 120 s). */
  idempotencyPendingTtlMs?: number;
  /** How long one instance's half-open probe may run before another may probe (default 15 s). */
  probeLockMs?: number;
  /** A Redis command with no answer after this long fails (default 2 s). */
  commandTimeoutMs?: number;
}

export interface RedisStoreConfig {
  url: string;
  namespace: string;
  encryptionKeys: readonly EncryptionKeyConfig[];
}

export interface SharedState {
  store: RedisTokenStore;
  coordinator: RefreshCoordinator;
  idempotency: IdempotencyStore<LabelType>;
  breakers: BreakerSync;
  /** Revocations, connect states, budgets, accounts, membership: the fleet's control state. */
  control: ControlPlane;
  connection: RedisConnection;
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

const DEGRADED_DETAIL =
  'shared store (Redis) unreachable: serving the tokens this instance holds, refreshes coordinated in this instance only';

export async function openSharedState(
  config: RedisStoreConfig,
  logger: Logger,
  tuning: SharedStateTuning = {},
): Promise<SharedState> {
  if (config.encryptionKeys.length === 0) {
    // REDIS_URL alone selects Redis, but tokens are never stored in clear: a key is required.
    throw new Error(
      'a Redis store needs at least one encryption key: set store.encryptionKeys in the configuration file',
    );
  }
  const connection = await createRedisConnection({
    url: config.url,
    ...(tuning.commandTimeoutMs !== undefined ? { commandTimeoutMs: tuning.commandTimeoutMs } : {}),
  });
  const store = await createRedisTokenStore({
    connection,
    namespace: config.namespace,
    encryptionKeys: config.encryptionKeys,
    ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
  });
  const sealer = await createSealer(config.encryptionKeys);
  const instanceId = crypto.randomUUID();
  const control = createRedisControlPlane({ connection, namespace: config.namespace, sealer, instanceId });
  const idempotency = createRedisIdempotencyStore<LabelType>({
    connection,
    namespace: config.namespace,
    sealer,
    decodeValue: (raw) => Label.parse(raw),
    logger,
    ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
    ...(tuning.idempotencyWaitMs !== undefined ? { waitMs: tuning.idempotencyWaitMs } : {}),
    ...(tuning.idempotencyPendingTtlMs !== undefined ? { pendingTtlMs: tuning.idempotencyPendingTtlMs } : {}),
  });
  const breakers = createBreakerSync({
    channel: createRedisBreakerChannel(connection, config.namespace),
    instanceId,
    probeLockMs: tuning.probeLockMs ?? 15_000,
    logger,
  });

  // One alert-worthy line per transition (the connection reports transitions only).
  const degraded = () =>
    logger.error('shared store unreachable: degraded mode', {
      event: 'shared_store.degraded',
      alert: true,
      namespace: config.namespace,
    });
  connection.onConnectionChange((up) => {
    if (up) {
      logger.warn('shared store reachable again: shared mode resumed', {
        event: 'shared_store.recovered',
        namespace: config.namespace,
      });
    } else degraded();
  });
  if (!connection.connected) degraded();

  return {
    store,
    coordinator: store,
    idempotency,
    breakers,
    control,
    connection,
    async readiness() {
      const up = await connection.ping();
      return up
        ? { ready: true, status: 'ready', checks: { config: { ok: true }, sharedStore: { ok: true } } }
        : {
            ready: true,
            status: 'degraded',
            checks: { config: { ok: true }, sharedStore: { ok: false, detail: DEGRADED_DETAIL } },
          };
    },
    close: () => connection.close(),
  };
}
