/**
 * The test receiver's protobuf decoder reads what the OpenTelemetry SDK's own protobuf
 * serializer writes exactly as the receiver reads the SDK's JSON serializer's output, for
 * every field the tests look at: the receiver cannot make a protobuf export look better than
 * it is.
 */
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { OnDemandReader } from './support/otel.ts';
import { decodeMetrics, decodeTraces } from './support/otlp-protobuf.ts';
import { flattenPoints, flattenSpans, type ReceivedPoint } from './support/otlp-receiver.ts';

const resource = resourceFromAttributes({ 'service.name': 'decoder-test', 'service.instance.count': 3 });
const json = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));
const bytes = (body: Uint8Array | undefined) => body ?? new Uint8Array();

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
    const fromJson = flattenSpans([json(JsonTraceSerializer.serializeRequest(spans))]);
    const fromProtobuf = flattenSpans([decodeTraces(bytes(ProtobufTraceSerializer.serializeRequest(spans)))]);
    expect(fromProtobuf).toEqual(fromJson);
    expect(fromJson.map((s) => s.name)).toEqual(['POST', 'POST /v1/rates']);
    expect(fromJson[0]?.events).toEqual([
      { name: 'cache hit', attributes: { 'auth.token.source': 'cache' } },
    ]);
    expect(fromJson[0]?.status).toEqual({ code: 2, message: 'carrier said no' });
  });

  it('reads counters, gauges and histograms with their attributes', async () => {
    const reader = new OnDemandReader();
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('m');
    meter.createCounter('requests').add(3, { route: '/v1/rates' });
    meter.createGauge('expiry').record(42, { carrier: 'ups' });
    meter.createHistogram('duration').record(0.5, { route: '/v1/rates', status: 200 });
    const { resourceMetrics } = await reader.collect();
    // The point's value as a test reads it; a JSON point also has timestamps the decoder skips.
    const read = (points: ReceivedPoint[]) =>
      points.map(({ point, ...rest }) => ({
        ...rest,
        value:
          point.count === undefined
            ? Number(point.asInt ?? point.asDouble)
            : [String(point.count), point.sum],
      }));
    const fromJson = read(flattenPoints([json(JsonMetricsSerializer.serializeRequest(resourceMetrics))]));
    const fromProtobuf = read(
      flattenPoints([decodeMetrics(bytes(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)))]),
    );
    expect(fromProtobuf).toEqual(fromJson);
    expect(fromJson.map((p) => [p.metric, p.value])).toEqual([
      ['requests', 3],
      ['expiry', 42],
      ['duration', ['1', 0.5]],
    ]);
  });
});
