/**
 * What several gateway instances share through Redis, built once per instance on one
 * connection pair: the token store and its refresh locks, label idempotency records, auth
 * breaker decisions, and the readiness, alert and failover events of the shared mode.
 * The topology (single server, Redis Cluster, Sentinel), TLS and credentials come from the
 * store configuration; everything Redis-specific lives in src/store/redis*.
 *
 * Start-up stops with one configuration line when Redis refuses the gateway (credentials,
 * TLS, a missing ACL permission). When Redis goes away the instance keeps serving (tokens it
 * holds, single-flight in this process), `/readyz` says `degraded`, and one alert-worthy log
 * line marks each transition; when Redis returns, shared mode resumes by itself. A change of
 * primary (failover) is logged, counted, and written back over: see onPrimaryChange.
 */

import type { RefreshCoordinator } from '../../auth/coordination.ts';
import { ConfigError } from '../../config/config-error.ts';
import { parseRedisUrl } from '../../config/redis-url.ts';
import type { RedisStoreSettings } from '../../config/schema.ts';
import type { ControlPlane } from '../../control/types.ts';
import type { Label as LabelType } from '../../domain/shipment.ts';
import { Label } from '../../domain/shipment.ts';
import { compactLabel } from '../../gateway/label-compact.ts';
import type { ReadinessReport } from '../../gateway/service.ts';
import type { Logger } from '../../log/logger.ts';
import { type BreakerSync, createBreakerSync } from '../../resilience/breaker-sync.ts';
import { createSealer } from '../../store/encryption.ts';
import { createRedisTokenStore, type RedisTokenStore } from '../../store/redis.ts';
import { type AccessNeeds, explainStartupError, missingPermission } from '../../store/redis-access.ts';
import { createRedisBreakerChannel } from '../../store/redis-breaker-channel.ts';
import {
  createRedisConnection,
  type PrimaryChange,
  type RedisConnection,
} from '../../store/redis-connection.ts';
import { createRedisControlPlane } from '../../store/redis-control.ts';
import { createRedisIdempotencyStore, type RedisIdempotencyStore } from '../../store/redis-idempotency.ts';
import { redisKeys } from '../../store/redis-keys.ts';
import { describeTopology, observeTopology } from '../../store/redis-status.ts';

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
  /** How long a label claim waits for its replicas (default 1 s). */
  replicaAckTimeoutMs?: number;
}

/** The store configuration (src/config/schema.ts); `kind` is implied. */
export type RedisStoreConfig = Omit<RedisStoreSettings, 'kind'>;

export interface SharedState {
  store: RedisTokenStore;
  coordinator: RefreshCoordinator;
  idempotency: RedisIdempotencyStore<LabelType>;
  breakers: BreakerSync;
  /** Revocations, connect states, budgets, accounts, membership: the fleet's control state. */
  control: ControlPlane;
  connection: RedisConnection;
  /** The store answers again after an outage (it may have restarted empty). */
  onReconnect(listener: () => void): void;
  /**
   * A change of primary (a failover): writes that had not reached a replica may be gone.
   * The idempotency answers this instance holds are written back already; the store-loss
   * protocol hooks here for tokens.
   */
  onPrimaryChange(listener: (change: PrimaryChange) => void): void;
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

const DEGRADED_DETAIL =
  'shared store (Redis) unreachable: serving the tokens this instance holds, refreshes coordinated in this instance only';

const COPYING_DETAIL =
  "copying the fleet's label answers from the shared store: labels answer 503 until it is done";

const refusal = (message: string) => new ConfigError([{ key: 'store', message }]);

/** The connection, or a configuration error when Redis refuses the gateway (not when it is away). */
async function connect(config: RedisStoreConfig, tuning: SharedStateTuning): Promise<RedisConnection> {
  const connection = await createRedisConnection({
    ...config,
    ...(tuning.commandTimeoutMs !== undefined ? { commandTimeoutMs: tuning.commandTimeoutMs } : {}),
  });
  const parsed = parseRedisUrl(config.url);
  const refused = explainStartupError(connection.startupError, connection.user, {
    used: 'tls' in parsed && parsed.tls,
    clientCertificate: config.tls?.cert !== undefined,
  });
  if (refused === undefined) return connection;
  await connection.close();
  throw refusal(refused);
}

/**
 * The ACL user must be able to do all the gateway does: checked now when Redis answers (a
 * refusal stops start-up), else on the first connection (an alert line).
 */
async function checkAccess(
  connection: RedisConnection,
  config: RedisStoreConfig,
  needs: AccessNeeds,
  logger: Logger,
) {
  const keys = redisKeys(config.namespace);
  if (!connection.connected) {
    let checked = false;
    connection.onConnectionChange((up) => {
      if (!up || checked) return;
      checked = true;
      void missingPermission(connection, keys, needs).then((missing) => {
        if (missing) logger.error(missing, { event: 'shared_store.permission', alert: true });
      });
    });
    return;
  }
  const missing = await missingPermission(connection, keys, needs);
  if (missing === undefined) return;
  await connection.close();
  throw refusal(missing);
}

/**
 * The fleet's label claims and answers, copied at start-up so this instance can restore them
 * if the store later loses them, even once the instances that bought them are gone. Until the
 * first copy completes labels are refused (`503`, retry) and `/readyz` says `degraded`: rates
 * and tracking are served meanwhile. Copied again after each reconnection (announcements sent
 * meanwhile were missed). A copy cut short (the store went away) runs again when it returns.
 */
function createAnswerCopier(
  connection: RedisConnection,
  idempotency: RedisIdempotencyStore<LabelType>,
  logger: Logger,
) {
  let running: Promise<void> | undefined;
  let again = false;
  const copy = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = idempotency.loadCopies().then(
      (copied) => logger.info('label answers of the fleet copied', { copied }),
      (error: unknown) => {
        // Reachable but refused (a timeout under load): try again shortly.
        if (connection.connected) setTimeout(() => void copy(), 5_000).unref();
        logger.warn('label answers of the fleet not copied yet: again when the store answers', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
      },
    );
    void running.then(() => {
      running = undefined;
      if (again) {
        again = false;
        void copy();
      }
    });
    return running;
  };
  return { copy };
}

/**
 * One alert-worthy line per transition and per change of primary. When the store answers
 * again, what this instance holds is written back at once (claims wait for it), then the
 * fleet's records are copied again.
 */
function reportTransitions(
  connection: RedisConnection,
  logger: Logger,
  namespace: string,
  idempotency: RedisIdempotencyStore<LabelType>,
  copier: { copy(): Promise<void> },
): void {
  const degraded = () =>
    logger.error('shared store unreachable: degraded mode', {
      event: 'shared_store.degraded',
      alert: true,
      namespace,
    });
  const writeBack = (after: string) =>
    void idempotency
      .writeBack()
      .then(
        (written) =>
          logger.info(`idempotency answers written back after ${after}`, {
            event: 'shared_store.idempotency_written_back',
            written,
          }),
        () => undefined,
      )
      .then(() => copier.copy());
  connection.onConnectionChange((up) => {
    if (!up) return degraded();
    logger.warn('shared store reachable again: shared mode resumed', {
      event: 'shared_store.recovered',
      namespace,
    });
    // Redis may have restarted empty: the answers this instance holds go back.
    writeBack('the store returned');
  });
  if (!connection.connected) degraded();
  connection.onPrimaryChange((change) => {
    logger.warn('shared store primary changed: writing back what this instance holds', {
      event: 'shared_store.primary_changed',
      alert: true,
      topology: change.topology,
      from: change.from.join(','),
      to: change.to.join(','),
      failovers: change.failovers,
    });
    writeBack('a change of primary');
  });
}

export async function openSharedState(
  config: RedisStoreConfig,
  logger: Logger,
  tuning: SharedStateTuning = {},
): Promise<SharedState> {
  if (config.encryptionKeys.length === 0) {
    // REDIS_URL alone selects Redis, but tokens are never stored in clear: a key is required.
    throw new ConfigError([
      { key: 'store.encryptionKeys', message: 'a Redis store needs at least one encryption key' },
    ]);
  }
  const connection = await connect(config, tuning);
  // A failover may promote a replica that missed the newest writes: labels wait for one.
  const replicaAcks = config.idempotencyReplicaAcks ?? (connection.topology === 'sentinel' ? 1 : 0);
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
    replicaAcks,
    whenUnreachable: config.idempotencyWhenUnreachable ?? 'refuse',
    // Every instance keeps each label without its document: enough to answer a repeat after a
    // store loss with the label that was bought (its document to be reprinted).
    compact: compactLabel,
    ...(tuning.replicaAckTimeoutMs !== undefined ? { replicaAckTimeoutMs: tuning.replicaAckTimeoutMs } : {}),
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
  const parsed = parseRedisUrl(config.url);
  await checkAccess(
    connection,
    config,
    {
      waitsForReplicas: replicaAcks > 0,
      selectsDatabase: 'db' in parsed && parsed.db !== 0,
    },
    logger,
  );
  const copier = createAnswerCopier(connection, idempotency, logger);
  // Claims sent while Redis did not answer are released, then what this instance holds goes back.
  reportTransitions(connection, logger, config.namespace, idempotency, copier);
  void copier.copy();
  const stopObserving = observeTopology(connection);
  const topology = () => describeTopology(connection, config.sentinel?.masterName);

  return {
    store,
    coordinator: store,
    idempotency,
    breakers,
    control,
    connection,
    onPrimaryChange: (listener) => connection.onPrimaryChange(listener),
    onReconnect: (listener) =>
      connection.onConnectionChange((up) => {
        if (up) listener();
      }),
    async readiness() {
      const up = await connection.ping();
      const sharedStore = up
        ? { ok: true, detail: topology() }
        : { ok: false, detail: `${DEGRADED_DETAIL} (${topology()})` };
      const copying = idempotency.copying();
      return {
        ready: true,
        status: up && !copying ? 'ready' : 'degraded',
        checks: {
          config: { ok: true },
          sharedStore,
          ...(copying ? { labelAnswers: { ok: false, detail: COPYING_DETAIL } } : {}),
        },
      };
    },
    async close() {
      stopObserving();
      await connection.close();
    },
  };
}
