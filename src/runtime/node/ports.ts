/**
 * The ports of a Node process: memory for one instance, Redis for a fleet (tokens and their
 * refresh locks, label idempotency, auth breaker decisions), undici pools for upstream HTTP,
 * and unref'd timers for health's periodic work. Token calls go over the pools too; undici's
 * fetch is left to the rare calls that speak it (revocations, a probe's tapped token calls).
 */

import type { GatewayConfig } from '../../config/schema.ts';
import type { CorePorts } from '../../core/ports.ts';
import type { Timers } from '../../health/index.ts';
import type { Logger } from '../../log/logger.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { tracedTransport } from '../../telemetry/token-refresh.ts';
import { openSharedState, type SharedStateTuning } from './shared-state.ts';
import { createNodeUpstreamFetch } from './upstream-fetch.ts';
import { createNodeUpstreamTransport } from './upstream-transport.ts';

/** Connect timeout of token-endpoint calls (their total is the carrier's token timeout). */
const TOKEN_CONNECT_TIMEOUT_MS = 3_000;

/** Timers that never keep a Node process alive for monitoring. */
export const nodeTimers: Timers = {
  after(ms, run) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface NodePortOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Timings of the shared (Redis) mode; tests shorten them. */
  sharedTuning?: SharedStateTuning | undefined;
  /** The Prometheus exposition, when /metrics is on. */
  metrics?: (() => Promise<string>) | undefined;
}

export async function nodePorts(options: NodePortOptions): Promise<CorePorts> {
  const { config } = options;
  const shared =
    config.store.kind === 'redis'
      ? await openSharedState(config.store, options.logger, options.sharedTuning)
      : undefined;
  const transport = createNodeUpstreamFetch();
  const pools = createNodeUpstreamTransport();
  return {
    tokens: shared?.store ?? createMemoryTokenStore(),
    coordinator: shared?.coordinator,
    control: shared?.control,
    idempotency: shared?.idempotency,
    breakerSync: shared?.breakers,
    readiness: shared?.readiness,
    transport: {
      transportFor: (_carrier, connectMs) => pools.transportFor(connectMs),
      fetchFor: (_carrier, connectMs) => transport.fetchFor(connectMs),
      tokenTransport: tracedTransport(pools.transportFor(TOKEN_CONNECT_TIMEOUT_MS)),
      close: async () => {
        await Promise.all([transport.close(), pools.close()]);
      },
    },
    timers: nodeTimers,
    ...(shared
      ? {
          onStoreRecovered: (listener: () => void) => {
            shared.onReconnect(listener);
            shared.onPrimaryChange(() => listener());
          },
        }
      : {}),
    metrics: options.metrics,
    close: async () => shared?.close(),
  };
}
