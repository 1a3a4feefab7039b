/**
 * What one exported span costs to encode, as OTLP/HTTP JSON and as binary protobuf (the two
 * values of OTEL_EXPORTER_OTLP_PROTOCOL): 512 spans shaped like the gateway's (a SERVER span
 * and a CLIENT span with a cache-hit event per request) serialized by the SDK's own
 * serializers, µs per span and bytes per batch, medians of 5 rounds of 50 batches each.
 *
 *   node bench/tools/otlp-encoding.ts
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { median } from '../lib/stats.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('carrier-gateway');
for (let i = 0; i < 256; i++) {
  const server = tracer.startSpan('POST /v1/rates', {
    kind: 1,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/v1/rates',
      'http.response.status_code': 200,
      'url.path': '/v1/rates',
    },
  });
  const client = tracer.startSpan('POST', {
    kind: 2,
    attributes: {
      'server.address': '127.0.0.1',
      'server.port': 4000,
      'url.full': 'http://127.0.0.1:4000/ups/api/rating/v2409/Shop',
      'http.response.status_code': 200,
      carrier: 'ups',
      'carrier.account': 'default',
      'auth.credential': '1f3a9c0d5e7b2a64',
      'auth.token.source': 'cache',
    },
  });
  client.addEvent('cache hit');
  client.end();
  server.end();
}
await provider.forceFlush();
const spans = exporter.getFinishedSpans();

const serializers = { 'http/json': JsonTraceSerializer, 'http/protobuf': ProtobufTraceSerializer };
const results = Object.fromEntries(Object.keys(serializers).map((name) => [name, [] as number[]]));
const bytes: Record<string, number> = {};
for (let round = 0; round < 5; round++) {
  for (const [name, serializer] of Object.entries(serializers)) {
    const started = performance.now();
    for (let i = 0; i < 50; i++) bytes[name] = serializer.serializeRequest(spans)?.length ?? 0;
    results[name]?.push(((performance.now() - started) * 1000) / 50 / spans.length);
  }
}
for (const [name, perSpan] of Object.entries(results))
  console.log(
    `${name}: ${median(perSpan).toFixed(2)} µs per span, ${bytes[name]} bytes per batch of ${spans.length}`,
  );
