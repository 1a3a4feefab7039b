/**
 * End to end on Workers: the Worker bundle in workerd (Miniflare), configured with
 * OTEL_EXPORTER_OTLP_ENDPOINT as a var, exports its spans with fetch to an OTLP/HTTP receiver
 * started here, flushed through ctx.waitUntil after each request. The spans nest (SERVER >
 * attempt > auth.credential, and the carrier CLIENT call) in the caller's trace. Spans leave as
 * binary protobuf (the default), metrics as JSON (OTEL_EXPORTER_OTLP_METRICS_PROTOCOL): the Node
 * test has them the other way round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import {
  buildTestBundle,
  startSimulators,
  startWorker,
  type WorkerHarness,
  workerConfig,
} from '../worker/support/worker-harness.ts';
import { eventually } from './support/otel.ts';
import { OTLP_KIND, type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.ts';

const SERVICE = 'carrier-gateway-worker-e2e';
const RATE = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [
    { weight: { value: 1.2, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
  carriers: ['ups'],
};

let receiver: OtlpReceiver;
let sandbox: Sandbox;
let worker: WorkerHarness;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  receiver = await startOtlpReceiver();
  sandbox = await startSimulators(['ups', 'fedex']);
  const { config, secrets } = workerConfig(sandbox, {
    carriers: ['ups', 'fedex'],
    fallbacks: { ups: ['fedex'] },
  });
  worker = await startWorker({
    bundle: built.bundle,
    config,
    secrets: {
      ...secrets,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: SERVICE,
      // Every trace: the production default samples one in ten (telemetry/sampler.ts).
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    },
  });
}, 120_000);

afterAll(async () => {
  await worker?.dispose();
  await sandbox?.close();
  await receiver?.close();
  await cleanup?.();
});

describe('the Worker exporting to an OTLP/HTTP receiver', () => {
  it('delivers the request trace, nested, continuing the caller trace context', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const res = await worker.request('POST', '/v1/rates', RATE, {
      traceparent: `00-${callerTrace}-b7ad6b7169203331-01`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const spans = await eventually(
      () => receiver.spans().filter((s) => s.traceId === callerTrace),
      (found) =>
        found.some((s) => s.kind === OTLP_KIND.server) && found.some((s) => s.name === 'auth.credential'),
      20_000,
    );
    const server = spans.find((s) => s.kind === OTLP_KIND.server);
    expect(server?.name).toBe('POST /v1/rates');
    expect(server?.parentSpanId).toBe('b7ad6b7169203331');
    expect(server?.resource).toMatchObject({
      'service.name': SERVICE,
      'cloud.provider': 'cloudflare',
      'cloud.platform': 'cloudflare.workers',
    });
    expect(server?.attributes).toMatchObject({ 'http.route': '/v1/rates', 'http.response.status_code': 200 });

    const attempt = spans.find((s) => s.name === 'attempt ups');
    expect(attempt?.parentSpanId).toBe(server?.spanId);
    const credential = spans.find((s) => s.name === 'auth.credential');
    expect(credential?.parentSpanId).toBe(attempt?.spanId);
    expect(credential?.attributes).toMatchObject({ carrier: 'ups' });
    const client = spans.find((s) => s.kind === OTLP_KIND.client && s.parentSpanId === attempt?.spanId);
    expect(client?.attributes).toMatchObject({
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });

    expect(new Set(receiver.contentTypes['/v1/traces'])).toEqual(new Set(['application/x-protobuf']));
    // Nothing secret went out with them.
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(worker.apiKey);
    for (const account of sandbox.accounts('ups'))
      expect(exported).not.toContain(account.secrets.clientSecret);
  });

  it('exports metrics with the same names as Node, on the Cron Trigger', async () => {
    const res = await worker.request('POST', '/v1/rates', RATE);
    expect(res.status).toBe(200);
    const gateway = await worker.mf.getWorker('gateway');
    const scheduled = await gateway.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
    expect(scheduled.outcome).toBe('ok');
    const points = await eventually(
      () => receiver.points().filter((p) => p.metric === 'http.server.request.duration'),
      (found) => found.some((p) => p.attributes['http.route'] === '/v1/rates'),
      20_000,
    );
    const rates = points.find((p) => p.attributes['http.route'] === '/v1/rates');
    expect(rates?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    expect(rates?.resource).toMatchObject({
      'service.name': SERVICE,
      'cloud.platform': 'cloudflare.workers',
    });
    expect(receiver.points().some((p) => p.metric === 'http.client.request.duration')).toBe(true);
    expect(new Set(receiver.contentTypes['/v1/metrics'])).toEqual(new Set(['application/json']));
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(worker.apiKey);
  });
});
