/**
 * The test receiver's protobuf decoder reads what the OpenTelemetry SDK's own protobuf
 * serializer writes exactly as the SDK's JSON serializer writes it, for every field the
 * tests read: the receiver cannot make a protobuf export look better than it is.
 */
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { decodeMetrics, decodeTraces } from './support/otlp-protobuf.ts';
import { attributesOf } from './support/otlp-receiver.ts';

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const resource = resourceFromAttributes({ 'service.name': 'decoder-test', 'service.instance.count': 3 });
const json = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

describe('the protobuf decoder of the test receiver', () => {
  it('reads spans as the JSON encoding has them', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('t');
    tracer.startActiveSpan(
      'POST /v1/rates',
      { kind: 1, attributes: { 'http.response.status_code': 200 } },
      (server) => {
        const client = tracer.startSpan('POST', {
          kind: 2,
          attributes: {
            'server.address': '127.0.0.1',
            ratio: 0.25,
            retried: false,
            list: ['a', 'b'],
            negative: -7,
          },
        });
        client.addEvent('cache hit', { 'auth.token.source': 'cache' });
        client.setStatus({ code: 2, message: 'carrier said no' });
        client.end();
        server.end();
      },
    );
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const fromJson = json(JsonTraceSerializer.serializeRequest(spans));
    const fromProtobuf = decodeTraces(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
    const pick = (body: typeof fromJson) =>
      body.resourceSpans.map((rs: typeof fromJson) => ({
        resource: attributesOf(rs.resource.attributes),
        spans: rs.scopeSpans.flatMap((ss: typeof fromJson) =>
          ss.spans.map((s: typeof fromJson) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.kind,
            attributes: attributesOf(s.attributes),
            events: (s.events ?? []).map((e: typeof fromJson) => ({
              name: e.name,
              attributes: e.attributes,
            })),
            status: s.status ?? {},
          })),
        ),
      }));
    expect(pick(fromProtobuf)).toEqual(pick(fromJson));
    expect(pick(fromJson)[0].spans.map((s: { name: string }) => s.name)).toEqual(['POST', 'POST /v1/rates']);
  });

  it('reads counters, gauges and histograms with their attributes', async () => {
    const reader = new CollectingReader();
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('m');
    meter.createCounter('requests').add(3, { route: '/v1/rates' });
    meter.createGauge('expiry').record(42, { carrier: 'ups' });
    meter.createHistogram('duration').record(0.5, { route: '/v1/rates', status: 200 });
    const { resourceMetrics } = await reader.collect();
    const fromJson = json(JsonMetricsSerializer.serializeRequest(resourceMetrics));
    const fromProtobuf = decodeMetrics(
      ProtobufMetricsSerializer.serializeRequest(resourceMetrics) ?? new Uint8Array(),
    );
    const pick = (body: typeof fromJson) =>
      body.resourceMetrics.flatMap((rm: typeof fromJson) =>
        rm.scopeMetrics.flatMap((sm: typeof fromJson) =>
          sm.metrics.map((m: typeof fromJson) => {
            const kind = ['sum', 'gauge', 'histogram'].find((k) => m[k] !== undefined) as string;
            return {
              name: m.name,
              kind,
              resource: attributesOf(rm.resource.attributes),
              points: m[kind].dataPoints.map((p: typeof fromJson) => ({
                attributes: attributesOf(p.attributes),
                value: kind === 'histogram' ? [String(p.count), p.sum] : Number(p.asInt ?? p.asDouble),
              })),
            };
          }),
        ),
      );
    expect(pick(fromProtobuf)).toEqual(pick(fromJson));
    expect(pick(fromJson).map((m: { name: string }) => m.name)).toEqual(['requests', 'expiry', 'duration']);
  });
});
