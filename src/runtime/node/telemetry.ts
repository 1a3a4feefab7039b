/**
 * Installs the OpenTelemetry SDK on Node, before the app is built. Export is configured by
 * the standard OTEL_* variables; with no OTLP endpoint and no Prometheus endpoint nothing
 * is installed, so the core's @opentelemetry/api calls stay no-ops.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';

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

  const readers: IMetricReader[] = [];
  if (otlp) {
    const interval = Number(options.env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
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
    ...(otlp ? { traceExporter: new OTLPTraceExporter() } : {}),
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
            return serializer.serialize(resourceMetrics);
          },
        }
      : {}),
    shutdown: () => sdk.shutdown(),
  };
}
