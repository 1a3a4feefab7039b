/**
 * An in-process OpenTelemetry SDK for tests: spans go through the same redacting processor
 * as production into an in-memory exporter, metrics are collected on demand, and context
 * follows async work (AsyncLocalStorage) with W3C trace-context propagation. One install per
 * test file (vitest runs each file in its own worker, and the API's globals are set once).
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  type DataPoint,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { redactingProcessor } from '../../../src/telemetry/redacting-processor.ts';

/** A metric reader collected by the test itself (no timer). */
export class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface MetricPoint {
  name: string;
  attributes: Record<string, unknown>;
  value: DataPoint<unknown>['value'];
}

export interface TestTelemetry {
  spans(): ReadableSpan[];
  reset(): void;
  collect(): Promise<ResourceMetrics>;
  /** Every data point of every metric, flattened. */
  points(): Promise<MetricPoint[]>;
  shutdown(): Promise<void>;
}

export function installTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [redactingProcessor(new SimpleSpanProcessor({ exporter }))],
  });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const collect = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
    return resourceMetrics;
  };
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    collect,
    async points() {
      const out: MetricPoint[] = [];
      for (const scope of (await collect()).scopeMetrics)
        for (const metric of scope.metrics)
          for (const point of metric.dataPoints as DataPoint<unknown>[])
            out.push({
              name: metric.descriptor.name,
              attributes: { ...point.attributes },
              value: point.value,
            });
      return out;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      contextManager.disable();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

const hex = (span: ReadableSpan) => span.spanContext().spanId;

/** Span-tree helpers over a list of finished spans. */
export function treeOf(spans: readonly ReadableSpan[]) {
  return {
    byName: (name: string) => spans.filter((s) => s.name === name),
    one(name: string): ReadableSpan {
      const found = spans.filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span '${name}', found ${found.length}`);
      return found[0] as ReadableSpan;
    },
    childrenOf: (parent: ReadableSpan) => spans.filter((s) => s.parentSpanContext?.spanId === hex(parent)),
    parentOf: (child: ReadableSpan) => spans.find((s) => hex(s) === child.parentSpanContext?.spanId),
    inTrace: (traceId: string) => spans.filter((s) => s.spanContext().traceId === traceId),
  };
}

/** Polls `read` until `done` holds; throws after a generous deadline (no hang, no timing assertion). */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (v: T) => boolean,
  deadlineMs = 10_000,
) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error('condition not reached before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
