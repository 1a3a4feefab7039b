/**
 * The Workers composition: Durable Object ports under the one core.
 * - credentials come from each account's credential authority (a Durable Object), which runs
 *   the very broker Node runs, over Durable Object storage;
 * - label idempotency is kept by one ledger object per Idempotency-Key;
 * - control state (revocations, connect states, token-endpoint budgets, accounts, fleet
 *   membership) lives in control objects, one per key group, shared by every isolate; the
 *   broadcast is a log isolates poll (`control.sync`, at the start of requests and on the cron);
 * - breakers are driven by calls, not timers (a Worker's timers die with its request);
 * - health's periodic work runs when the Cron Trigger calls `tick` (no timers are started).
 */
import { carriers as registry } from '../../../carriers/index.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import { type Core, composeCore } from '../../core/compose.ts';
import { createLogger } from '../../log/logger.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { transportFromFetch } from '../../upstream/transport.ts';
import { createAuthorityBroker } from './authority/client.ts';
import { loadWorkerConfig } from './config.ts';
import { createWorkerControlPlane, type WorkerControlPlane } from './control/client.ts';
import { checkBindings } from './env.ts';
import { createLedgerIdempotencyStore } from './ledger/client.ts';

export interface WorkerGateway extends Core {
  control: WorkerControlPlane;
}

// Wrapped: workerd refuses a fetch called with another `this`.
const workerFetch: typeof fetch = (input, init) => fetch(input, init);
// Workers have no socket API to pool: carrier calls are the platform's fetch, read into bytes.
const workerTransport = transportFromFetch(workerFetch);
// Token endpoints and code exchanges answer as they are: a redirect is not followed.
const workerTokenTransport = transportFromFetch(workerFetch, { redirect: 'manual' });

export async function composeWorkerGateway(
  rawEnv: Record<string, unknown>,
  carriers: readonly CarrierDefinition[] = registry,
): Promise<WorkerGateway> {
  const env = checkBindings(rawEnv);
  const { config, accounts } = await loadWorkerConfig(env, carriers);
  const logger = createLogger({ level: config.logLevel });
  if (config.telemetry.metricsEndpoint) {
    // A scrape would reach one isolate among many: metrics leave by OTLP instead.
    logger.warn('/metrics is not served on Workers: set OTEL_EXPORTER_OTLP_ENDPOINT to export metrics');
  }
  if (config.store.kind !== 'memory') {
    logger.warn('the configured token store is not used on Workers: tokens live in Durable Objects');
  }
  const control = createWorkerControlPlane({ namespace: env.CONTROL_PLANE });
  const core = await composeCore(
    {
      // Tokens live in the authorities; the isolate's own store holds none.
      tokens: createMemoryTokenStore({ max: 16 }),
      broker: createAuthorityBroker({ namespace: env.CREDENTIAL_AUTHORITY, accounts }),
      idempotency: createLedgerIdempotencyStore({ namespace: env.IDEMPOTENCY_LEDGER }),
      control,
      breakerDrive: 'calls',
      transport: {
        transportFor: () => workerTransport,
        fetchFor: () => workerFetch,
        tokenTransport: workerTokenTransport,
      },
    },
    { config, accounts, apiKeys: config.apiKeys, registry: carriers, logger, health: {} },
  );
  return { ...core, control };
}
