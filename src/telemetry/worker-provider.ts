/**
 * Tracing and metrics on Cloudflare Workers: spans are exported as OTLP/HTTP (binary protobuf,
 * or JSON by OTEL_EXPORTER_OTLP_PROTOCOL: otlp-protocol.ts) with fetch once per request,
 * metrics (the same instruments, hence the same names, as on Node) at most once per
 * OTEL_METRIC_EXPORT_INTERVAL per isolate and on every Cron Trigger; the Worker entry
 * hands `flush()` to ctx.waitUntil. No timers: a Worker's timers die with the request that set
 * them, so spans wait in a queue and metrics in their meters until a flush. Every span goes
 * through the redacting processor. Configured by the same OTEL_* names as on Node, as Worker
 * vars and secrets; without an endpoint nothing is installed and the gateway's
 * @opentelemetry/api calls stay no-ops. Each isolate exports its own cumulative series (its
 * start time tells a backend where a series restarts), as each Node process does.
 */
import {
  type Context,
  type ContextManager,
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { type OtlpProtocol, otlpProtocol } from './otlp-protocol.ts';
import { redactingProcessor } from './redacting-processor.ts';
import { samplerFromEnv } from './sampler.ts';

export interface WorkerTelemetry {
  /** Whether spans are recorded and exported. */
  active: boolean;
  /**
   * Exports the spans of the requests so far, and the metrics when their interval has passed
   * (`metrics: 'now'`: whatever the interval); give it to ctx.waitUntil. Never rejects.
   */
  flush(options?: { metrics?: 'due' | 'now' }): Promise<void>;
}

/** Collects when asked (no timer): `flush()` exports what it collected. */
class OnDemandMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Spans kept between two flushes; beyond this they are dropped (a flush was missed). */
const MAX_QUEUED_SPANS = 2_048;

/** Queues finished spans and exports them when asked (no timer). */
function flushOnDemandProcessor(exporter: SpanExporter): SpanProcessor {
  let queue: ReadableSpan[] = [];
  return {
    onStart() {},
    onEnd(span) {
      if (queue.length < MAX_QUEUED_SPANS) queue.push(span);
    },
    async forceFlush() {
      const batch = queue;
      queue = [];
      if (batch.length === 0) return;
      await new Promise<void>((resolve) => exporter.export(batch, () => resolve()));
    },
    async shutdown() {
      await this.forceFlush();
      await exporter.shutdown();
    },
  };
}

interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: (...args: unknown[]) => R, ...args: unknown[]): R;
  disable(): void;
}
type AsyncLocalStorageClass = new <T>() => AsyncLocalStorageLike<T>;

/**
 * AsyncLocalStorage where the runtime has it (workerd with nodejs_compat, Node), looked up at
 * run time so the Worker bundle imports no Node module; undefined elsewhere (flat spans).
 */
function findAsyncLocalStorage(): AsyncLocalStorageClass | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage?: AsyncLocalStorageClass }
    | undefined;
  return hooks?.AsyncLocalStorage;
}

/** The active context follows async work, so spans nest across awaits. */
function asyncContextManager(Storage: AsyncLocalStorageClass): ContextManager {
  const storage = new Storage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.apply(thisArg, args)),
    bind: (ctx, target) => {
      if (typeof target !== 'function') return target;
      const fn = target as (...args: unknown[]) => unknown;
      return function (this: unknown, ...args: unknown[]) {
        return storage.run(ctx, () => fn.apply(this, args));
      } as typeof target;
    },
    enable: () => manager,
    disable: () => {
      storage.disable();
      return manager;
    },
  };
  return manager;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** `k1=v1,k2=v2` (OTEL_EXPORTER_OTLP_HEADERS): a backend's API key travels here, never elsewhere. */
function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

let installed: WorkerTelemetry | undefined;

/**
 * Installs tracing for this isolate (once; later calls return the same). Call it inside a
 * request, never at module scope.
 */
export function installWorkerTelemetry(
  env: Readonly<Record<string, unknown>>,
  options: { serviceVersion?: string } = {},
): WorkerTelemetry {
  if (installed) return installed;
  const base = text(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const url =
    text(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
    (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  const metricsUrl =
    text(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) ??
    (base ? `${base.replace(/\/+$/, '')}/v1/metrics` : undefined);
  if ((url === undefined && metricsUrl === undefined) || text(env.OTEL_SDK_DISABLED) === 'true') {
    installed = { active: false, flush: async () => undefined };
    return installed;
  }
  const resource = resourceFromAttributes({
    'service.name': text(env.OTEL_SERVICE_NAME) ?? 'carrier-gateway',
    ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    'deployment.environment.name': text(env.DEPLOYMENT_ENVIRONMENT) ?? 'production',
    'cloud.provider': 'cloudflare',
    'cloud.platform': 'cloudflare.workers',
  });
  const exportTo = (signal: 'TRACES' | 'METRICS', signalUrl: string): OtlpTarget => ({
    url: signalUrl,
    headers: parseHeaders(
      text(env[`OTEL_EXPORTER_OTLP_${signal}_HEADERS`]) ?? text(env.OTEL_EXPORTER_OTLP_HEADERS),
    ),
    protocol: otlpProtocol(env, signal),
  });
  // Read before anything is installed: an invalid value is a ConfigError, nothing half-built.
  const tracesTarget = url === undefined ? undefined : exportTo('TRACES', url);
  const metricsTarget = metricsUrl === undefined ? undefined : exportTo('METRICS', metricsUrl);
  const sampler = samplerFromEnv(env);
  const Storage = findAsyncLocalStorage();
  if (Storage) context.setGlobalContextManager(asyncContextManager(Storage));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const flushSpans =
    tracesTarget === undefined ? async () => undefined : installTracing(tracesTarget, resource, sampler);
  const flushMetrics =
    metricsTarget === undefined
      ? async () => undefined
      : installMetrics(metricsTarget, resource, Number(text(env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000));
  installed = {
    active: true,
    // Telemetry must never fail a request: export errors are swallowed here.
    flush: async (flushOptions = {}) => {
      await Promise.all([
        flushSpans().catch(() => undefined),
        flushMetrics(flushOptions.metrics ?? 'due').catch(() => undefined),
      ]);
    },
  };
  return installed;
}

type Resource = ReturnType<typeof resourceFromAttributes>;

/** Where and how one signal is exported. */
interface OtlpTarget {
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
}

function installTracing(
  { url, headers, protocol }: OtlpTarget,
  resource: Resource,
  sampler: ReturnType<typeof samplerFromEnv>,
): () => Promise<void> {
  const exporter =
    protocol === 'http/json'
      ? new JsonTraceExporter({ url, headers })
      : new ProtobufTraceExporter({ url, headers });
  const provider = new TracerProvider({
    resource,
    spanProcessors: [redactingProcessor(flushOnDemandProcessor(exporter))],
    sampler,
  });
  trace.setGlobalTracerProvider(provider);
  return () => provider.forceFlush();
}

function installMetrics(
  { url, headers, protocol }: OtlpTarget,
  resource: Resource,
  intervalMs: number,
): (when: 'due' | 'now') => Promise<void> {
  const exporter =
    protocol === 'http/json'
      ? new JsonMetricExporter({ url, headers })
      : new ProtobufMetricExporter({ url, headers });
  const reader = new OnDemandMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ resource, readers: [reader] }));
  let exportedAt = Date.now();
  return async (when) => {
    const at = Date.now();
    if (when === 'due' && at - exportedAt < (Number.isFinite(intervalMs) ? intervalMs : 60_000)) return;
    exportedAt = at;
    const { resourceMetrics } = await reader.collect();
    if (resourceMetrics.scopeMetrics.length === 0) return;
    await new Promise<void>((resolve) => exporter.export(resourceMetrics, () => resolve()));
  };
}
