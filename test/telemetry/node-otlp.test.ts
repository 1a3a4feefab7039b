/**
 * End to end on Node: `node src/runtime/node/main.ts` in sandbox mode, as a child process,
 * exporting OTLP/HTTP to a receiver started here: traces as JSON (OTEL_EXPORTER_OTLP_PROTOCOL),
 * metrics as binary protobuf (the default; the Worker test has them the other way round). Traffic through the gateway shows
 * up there as spans (SERVER, CLIENT, auth.credential, auth.token.refresh, in one trace) and
 * metrics; the same process serves Prometheus text at /metrics and writes JSON log lines
 * carrying the trace ids.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/otel.ts';
import { OTLP_KIND, type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.ts';

const API_KEY = `sk_e2e_${crypto.randomUUID().replaceAll('-', '')}`;
const SERVICE = 'carrier-gateway-otel-e2e';
const RATE = {
  shipper: { lines: ['1 Main St'], city: 'Atlanta', stateCode: 'GA', postalCode: '30301', countryCode: 'US' },
  recipient: {
    lines: ['350 5th Ave'],
    city: 'New York',
    stateCode: 'NY',
    postalCode: '10118',
    countryCode: 'US',
  },
  parcels: [
    { weight: { value: 2.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
};

let receiver: OtlpReceiver;
let child: ChildProcess;
let gatewayUrl: string;
const stdout: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gateway-otel-'));

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const configPath = join(dir, 'gateway.json');
  // No carriers: sandbox mode, with the Prometheus endpoint switched on.
  writeFileSync(configPath, JSON.stringify({ telemetry: { metricsEndpoint: true } }));
  child = spawn(process.execPath, ['src/runtime/node/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      GATEWAY_CONFIG: configPath,
      GATEWAY_API_KEYS: API_KEY,
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Traces as JSON, metrics as protobuf: the signal's own variable wins (OTLP exporter spec).
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // Every trace: the production default samples one in ten (telemetry/sampler.ts).
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  gatewayUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${stderr.join('')}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      stdout.push(line);
      const match = /^\s+gateway\s+(http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${gatewayUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...init.headers },
  });

describe('the Node gateway exporting to an OTLP/HTTP receiver', () => {
  it('delivers one trace per request: SERVER > attempts > auth.credential > auth.token.refresh > CLIENT', async () => {
    const res = await call('/v1/rates', { method: 'POST', body: JSON.stringify(RATE) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();

    const server = await eventually(
      () => receiver.spans().find((s) => s.name === 'POST /v1/rates' && s.kind === OTLP_KIND.server),
      (s) => s !== undefined,
      15_000,
    );
    expect(server?.resource['service.name']).toBe(SERVICE);
    expect(server?.resource['deployment.environment.name']).toBe('sandbox');
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/rates',
      'http.response.status_code': 200,
    });
    const traceId = server?.traceId as string;
    // Child spans are exported as they end, possibly in an earlier batch than the SERVER span.
    const trace = await eventually(
      () => receiver.spans().filter((s) => s.traceId === traceId),
      (spans) =>
        spans.some((s) => s.name === 'auth.token.refresh') &&
        spans.some((s) => s.kind === OTLP_KIND.client && s.attributes['carrier.operation'] === 'token'),
    );
    const credentials = trace.filter((s) => s.name === 'auth.credential');
    const carriers = new Set(credentials.map((s) => s.attributes.carrier));
    for (const id of ['ups', 'fedex', 'usps']) expect(carriers).toContain(id);
    const clients = trace.filter((s) => s.kind === OTLP_KIND.client);
    expect(clients.length).toBeGreaterThanOrEqual(2 * carriers.size); // a token call and an API call each
    for (const c of clients) {
      expect(c.attributes['server.address']).toBe('127.0.0.1');
      expect(String(c.attributes['url.full'])).not.toContain('?');
    }
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    for (const refresh of trace.filter((s) => s.name === 'auth.token.refresh'))
      expect(byId.get(refresh.parentSpanId)?.name).toBe('auth.credential');

    // The access log line of the request carries the same trace id.
    const logLine = await eventually(
      () =>
        stdout
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.msg === 'request' && l.trace_id === traceId),
      (l) => l !== undefined,
    );
    expect(logLine).toMatchObject({ level: 'info', route: '/v1/rates', status: 200 });
    expect(logLine?.span_id).toBe(server?.spanId);
    expect(new Set(receiver.contentTypes['/v1/traces'])).toEqual(new Set(['application/json']));
  });

  it('delivers the HTTP, token, expiry and breaker metrics', async () => {
    const unauthorized = await fetch(`${gatewayUrl}/v1/carriers`);
    expect(unauthorized.status).toBe(401);
    await unauthorized.arrayBuffer();
    const wanted = [
      'http.server.request.duration',
      'http.client.request.duration',
      'gateway.auth.token.requests',
      'gateway.auth.token.refresh.duration',
      'gateway.auth.token.time_to_expiry',
      'gateway.breaker.state',
    ];
    const points = await eventually(
      () => receiver.points(),
      (p) =>
        wanted.every((name) => p.some((x) => x.metric === name)) &&
        p.some(
          (x) =>
            x.metric === 'http.server.request.duration' && x.attributes['http.response.status_code'] === 401,
        ),
      15_000,
    );
    expect(points.find((p) => p.metric === 'gateway.auth.token.requests')?.attributes).toMatchObject({
      'auth.token.outcome': 'success',
      'auth.token.reason': 'initial',
    });
    const expiry = points.filter((p) => p.metric === 'gateway.auth.token.time_to_expiry');
    expect(
      expiry.some((p) => p.attributes.carrier === 'ups' && Number(p.point.asInt ?? p.point.asDouble) > 0),
    ).toBe(true);
    expect(new Set(receiver.contentTypes['/v1/metrics'])).toEqual(new Set(['application/x-protobuf']));
    const breakers = points.filter((p) => p.metric === 'gateway.breaker.state');
    expect(
      breakers.some((p) => p.attributes.carrier === 'ups' && p.attributes['gateway.breaker.kind'] === 'auth'),
    ).toBe(true);
  });

  it('serves the same metrics as Prometheus text at /metrics', async () => {
    const res = await fetch(`${gatewayUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('http_server_request_duration');
    expect(text).toContain('gateway_auth_token_requests');
    expect(text).toContain('gateway_breaker_state');
  });
});
