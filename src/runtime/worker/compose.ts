/**
 * The Workers composition root: the same app, gateway core and broker contract as on Node,
 * with the pieces that must be fleet-wide on Workers swapped in:
 * - credentials come from the account's credential authority (a Durable Object), which runs
 *   the very broker Node runs, over Durable Object storage;
 * - label idempotency is kept by one ledger object per Idempotency-Key;
 * - breakers are driven by calls, not timers (a Worker's timers die with its request).
 */
import { carriers as registry } from '../../../carriers/index.ts';
import { createApp } from '../../api/app.ts';
import type { ApiApp } from '../../api/env.ts';
import { createLogger, type Logger } from '../../api/logger.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import { policiesFrom } from '../../config/policies.ts';
import { createGateway, type Gateway } from '../../gateway/create.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { createAuthorityBroker } from './authority/client.ts';
import { loadWorkerConfig } from './config.ts';
import { checkBindings } from './env.ts';
import { createLedgerIdempotencyStore } from './ledger/client.ts';

export interface WorkerGateway {
  app: ApiApp;
  gateway: Gateway;
  logger: Logger;
}

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
  for (const account of accounts) for (const value of Object.values(account.secrets)) registerSecret(value);
  for (const key of [...config.apiKeys, ...config.adminKeys]) registerSecret(key);

  const policies = policiesFrom(
    config,
    carriers.map((c) => c.id),
  );
  const gateway = createGateway({
    registry: carriers,
    accounts,
    policies,
    broker: createAuthorityBroker({ namespace: env.CREDENTIAL_AUTHORITY, accounts }),
    // Wrapped: workerd refuses a fetch called with another `this`.
    fetch: (input, init) => fetch(input, init),
    idempotency: createLedgerIdempotencyStore({ namespace: env.IDEMPOTENCY_LEDGER }),
    breakers: { drive: 'calls' },
  });
  const app = createApp({
    gateway,
    apiKeys: config.apiKeys,
    adminKeys: config.adminKeys,
    bodyLimitBytes: config.server.bodyLimitBytes,
    logger,
  });
  return { app, gateway, logger };
}
