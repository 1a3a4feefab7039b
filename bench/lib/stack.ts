/** Starts the benchmark's processes: simulators, gateways, the bare proxy and the OTLP sink. */
import type { BareProxyReady } from '../baselines/bare-proxy.ts';
import type { ReadingProxyReady } from '../baselines/reading-proxy.ts';
import type { GatewayReady } from '../processes/gateway.ts';
import type { SinkReady } from '../processes/otlp-sink.ts';
import type { SimulatorReady } from '../processes/simulator.ts';
import { type Child, forkChild } from './child.ts';

export type { GatewayReady, SimulatorReady };

const here = (path: string) => new URL(path, import.meta.url);

export function startSimulator(settings: { carriers?: string[]; genericOAuth?: boolean }) {
  return forkChild<SimulatorReady>(here('../processes/simulator.ts'), { settings });
}

export interface GatewayStart {
  simulator: SimulatorReady;
  carriers: string[];
  fallbacks?: Record<string, string[]>;
  breaker?: { auth?: Record<string, number>; api?: Record<string, number> };
  /** OTLP endpoint of a sink: telemetry on; undefined: telemetry off. */
  otlpEndpoint?: string | undefined;
  /** OTEL_TRACES_SAMPLER; unset: the gateway's default (parentbased_traceidratio at 0.1). */
  sampler?: string;
  execArgv?: string[];
  /** Shared state in Redis (tokens, idempotency, control plane) under its own namespace; else memory. */
  redis?: { url: string; namespace: string };
}

export function startGateway(options: GatewayStart): Promise<Child<GatewayReady>> {
  return forkChild<GatewayReady>(here('../processes/gateway.ts'), {
    settings: {
      simulatorUrl: options.simulator.url,
      accounts: options.simulator.accounts,
      carriers: options.carriers,
      fallbacks: options.fallbacks ?? {},
      breaker: { auth: options.breaker?.auth ?? {}, api: options.breaker?.api ?? {} },
      ...(options.redis ? { redis: options.redis } : {}),
    },
    env: {
      // Empty values count as unset: the parent's own OTEL_* never leak into a telemetry-off run.
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
      // Metrics every 5 s instead of 60 s, so each measured run includes metric exports.
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      OTEL_SERVICE_NAME: 'carrier-gateway-bench',
      OTEL_TRACES_SAMPLER: options.sampler ?? '',
      OTEL_TRACES_SAMPLER_ARG: '',
    },
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
  });
}

export function startBareProxy(upstream: string) {
  return forkChild<BareProxyReady>(here('../baselines/bare-proxy.ts'), { settings: { upstream } });
}

/** The reading proxy (baselines/reading-proxy.ts): the gateway's request in, `wire` to the simulator. */
export function startReadingProxy(
  upstream: string,
  wire: { path: string; headers: Record<string, string>; body: string },
) {
  return forkChild<ReadingProxyReady>(here('../baselines/reading-proxy.ts'), {
    settings: { upstream, wire },
  });
}

export function startSink() {
  return forkChild<SinkReady>(here('../processes/otlp-sink.ts'));
}

/** Stops every child, whatever happens to the others. */
export async function stopAll(children: (Child<unknown> | undefined)[]): Promise<void> {
  await Promise.allSettled(children.map((c) => c?.stop()));
}

/** Headers of a gateway caller. */
export const callerHeaders = (gateway: GatewayReady) => ({
  authorization: `Bearer ${gateway.apiKey}`,
  'content-type': 'application/json',
});
