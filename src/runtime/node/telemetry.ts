/**
 * Installs the OpenTelemetry SDK on Node, before the app is built. Export is configured by
 * the standard OTEL_* variables; with no OTLP endpoint and no Prometheus endpoint nothing
 * is installed, so the core's @opentelemetry/api calls stay no-ops. Spans reach the
 * exporter only through the redacting processor (telemetry/redact.ts decides what leaves).
 * OTLP goes over HTTP, binary protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL says http/json
 * (telemetry/otlp-protocol.ts). Traces are sampled by OTEL_TRACES_SAMPLER (default
 * parentbased_traceidratio at 0.1: telemetry/sampler.ts). An invalid OTEL_* value is a ConfigError.
 */
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  envDetector,
  hostDetector,
  osDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { type OtlpProtocol, otlpProtocol } from '../../telemetry/otlp-protocol.ts';
import { withUnitSuffixes } from '../../telemetry/prometheus-units.ts';
import { redactingProcessor } from '../../telemetry/redacting-processor.ts';
import { samplerFromEnv } from '../../telemetry/sampler.ts';

export interface NodeTelemetryOptions {
  env: Readonly<Record<string, string | undefined>>;
  serviceVersion: string;
  /** deployment.environment.name: sandbox or production. */
  environment: string;
  /** Serve Prometheus text at /metrics (off by default). */
  prometheus: boolean;
}

export interface NodeTelemetry {
  /** Whether an SDK is installed (spans and metrics are recorded). */
  active: boolean;
  /** Prometheus exposition text, when enabled. */
  scrape?: () => Promise<string>;
  shutdown(): Promise<void>;
}

export function otlpConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  );
}

export function startNodeTelemetry(options: NodeTelemetryOptions): NodeTelemetry {
  const otlp = otlpConfigured(options.env);
  if (!otlp && !options.prometheus) return { active: false, shutdown: async () => undefined };
  // Read before anything is installed: an invalid value stops start-up, nothing half-built.
  const sampler = samplerFromEnv(options.env);
  const tracesProtocol = otlpProtocol(options.env, 'TRACES');
  const metricsProtocol = otlpProtocol(options.env, 'METRICS');

  const readers: IMetricReader[] = [];
  if (otlp) {
    const interval = Number(options.env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: metricsProtocol === 'http/json' ? new JsonMetricExporter() : new ProtobufMetricExporter(),
        exportIntervalMillis: interval,
      }),
    );
  }
  const prometheus = options.prometheus ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  if (prometheus) readers.push(prometheus);

  const sdk = new NodeSDK({
    serviceName: options.env.OTEL_SERVICE_NAME ?? 'carrier-gateway',
    resource: resourceFromAttributes({
      'service.version': options.serviceVersion,
      'deployment.environment.name': options.environment,
    }),
    // Not the process detector: command-line arguments are no business of a trace backend.
    resourceDetectors: [envDetector, hostDetector, osDetector, serviceInstanceIdDetector],
    // An empty list installs no tracer (Prometheus only); never the SDK's env defaults.
    spanProcessors: otlp ? [redactingProcessor(batchProcessor(options.env, tracesProtocol))] : [],
    // OTEL_TRACES_SAMPLER / _ARG, default parentbased_traceidratio 0.1 (telemetry/sampler.ts).
    sampler,
    // Logs are JSON lines on stdout (with trace ids), not OTLP log records.
    logRecordProcessors: [],
    metricReaders: readers,
    instrumentations: [],
  });
  sdk.start();

  const serializer = new PrometheusSerializer();
  return {
    active: true,
    ...(prometheus
      ? {
          scrape: async () => {
            const { resourceMetrics } = await prometheus.collect();
            return withUnitSuffixes(serializer.serialize(resourceMetrics));
          },
        }
      : {}),
    shutdown: () => sdk.shutdown(),
  };
}

const numberFrom = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** A batch processor tuned by the standard OTEL_BSP_* variables. */
function batchProcessor(
  env: Readonly<Record<string, string | undefined>>,
  protocol: OtlpProtocol,
): BatchSpanProcessor {
  const tuning = {
    scheduledDelayMillis: numberFrom(env.OTEL_BSP_SCHEDULE_DELAY),
    maxQueueSize: numberFrom(env.OTEL_BSP_MAX_QUEUE_SIZE),
    maxExportBatchSize: numberFrom(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE),
    exportTimeoutMillis: numberFrom(env.OTEL_BSP_EXPORT_TIMEOUT),
  };
  const defined = Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
  const exporter = protocol === 'http/json' ? new JsonTraceExporter() : new ProtobufTraceExporter();
  return new BatchSpanProcessor({ exporter, ...defined });
}
