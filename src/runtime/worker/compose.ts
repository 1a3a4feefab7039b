/**
 * The Workers composition: Durable Object ports under the one core.
 * - credentials come from each account's credential authority (a Durable Object), which runs
 *   the very broker Node runs, over Durable Object storage;
 * - label idempotency is kept by one ledger object per Idempotency-Key;
 * - breakers are driven by calls, not timers (a Worker's timers die with its request);
 * - health's periodic work runs when the Cron Trigger calls `tick`.
 */
import { carriers as registry } from '../../../carriers/index.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import { type Core, composeCore } from '../../core/compose.ts';
import { createLogger } from '../../log/logger.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { createAuthorityBroker } from './authority/client.ts';
import { loadWorkerConfig } from './config.ts';
import { checkBindings } from './env.ts';
import { createLedgerIdempotencyStore } from './ledger/client.ts';

export type WorkerGateway = Core;

// Wrapped: workerd refuses a fetch called with another `this`.
const workerFetch: typeof fetch = (input, init) => fetch(input, init);

export async function composeWorkerGateway(
  rawEnv: Record<string, unknown>,
  carriers: readonly CarrierDefinition[] = registry,
): Promise<WorkerGateway> {
  const env = checkBindings(rawEnv);
  const { config, accounts } = await loadWorkerConfig(env, carriers);
  const logger = createLogger({ level: config.logLevel });
  if (config.store.kind !== 'memory') {
    logger.warn('the configured token store is not used on Workers: tokens live in Durable Objects');
  }
  return composeCore(
    {
      // Tokens live in the authorities; the isolate's own store holds none.
      tokens: createMemoryTokenStore({ max: 16 }),
      broker: createAuthorityBroker({ namespace: env.CREDENTIAL_AUTHORITY, accounts }),
      idempotency: createLedgerIdempotencyStore({ namespace: env.IDEMPOTENCY_LEDGER }),
      breakerDrive: 'calls',
      transport: { fetchFor: () => workerFetch, tokenFetch: workerFetch },
    },
    { config, accounts, apiKeys: config.apiKeys, registry: carriers, logger, health: {} },
  );
}
