/**
 * The Node composition: Node's ports (memory or Redis) under the one core. main.ts, the
 * end-to-end tests and the benchmarks all build the gateway through here, so they run the
 * same thing.
 */
import { peerAddressFromBindings } from '../../api/middleware/caller-watch.ts';
import { type Core, type CoreOptions, composeCore } from '../../core/compose.ts';
import { createLogger } from '../../log/logger.ts';
import { nodePorts } from './ports.ts';
import type { SharedStateTuning } from './shared-state.ts';

export type { HealthOptions } from '../../core/compose.ts';

export interface ComposeOptions extends CoreOptions {
  /** Timings of the shared (Redis) mode; tests shorten them. */
  sharedTuning?: SharedStateTuning;
  /** The Prometheus exposition, when /metrics is on. */
  metrics?: () => Promise<string>;
}

export type Composed = Core;

export async function composeGateway(options: ComposeOptions): Promise<Composed> {
  const { sharedTuning, metrics, ...core } = options;
  const logger = core.logger ?? createLogger({ level: core.config.logLevel });
  const ports = await nodePorts({ config: core.config, logger, sharedTuning, metrics });
  return composeCore(ports, {
    remoteAddress: peerAddressFromBindings,
    ...core,
    logger,
    ...(sharedTuning?.lockTtlMs !== undefined ? { lockTtlMs: sharedTuning.lockTtlMs } : {}),
  });
}
