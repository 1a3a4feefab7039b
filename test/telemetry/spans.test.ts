/**
 * The span tree of real requests through the whole gateway (HTTP in, carrier simulators out),
 * exported in memory through the production redacting processor: a rate on a cached token, a
 * request that waited on a refresh another request started, a label that failed over (both
 * attempts in one trace), and an auth breaker opening (a span event and a log line in the
 * request's trace). Metrics of the same traffic are collected alongside.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/domain/shipment.ts';
import { createLogger } from '../../src/log/logger.ts';
import { DEFAULT_POLICY } from '../../src/resilience/settings.ts';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { eventually, installTestTelemetry, type TestTelemetry, treeOf } from './support/otel.ts';

const PARCEL = {
  weight: { value: 1.2, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
};
const RATE = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [PARCEL],
  carriers: ['ups'],
};
const LABEL = {
  carrier: 'ups',
  serviceLevel: 'ground',
  format: 'ZPL',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [PARCEL],
};
const AMPLE_BUDGET = { ratio: 1, minPerWindow: 10_000, windowMs: 60_000 };

let otel: TestTelemetry;
let h: GatewayHarness | undefined;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  otel = installTestTelemetry();
  h = await startGatewayHarness({
    carriers: ['ups', 'fedex'],
    fallbacks: { ups: ['fedex'] },
    budget: AMPLE_BUDGET,
    logger: createLogger({ level: 'info', write: (line) => logs.push(JSON.parse(line)) }),
  });
});
afterAll(async () => {
  await h?.close();
  await otel?.shutdown();
});

function gw(): GatewayHarness {
  if (h === undefined) throw new Error('the shared gateway is closed');
  return h;
}

const attr = (span: ReadableSpan | undefined, key: string) => span?.attributes[key];
const eventsOf = (span: ReadableSpan | undefined, name: string) =>
  (span?.events ?? []).filter((e) => e.name === name);

/** The finished spans of the trace whose SERVER span is named `serverName`, once it has ended. */
async function traceOf(
  serverName: string,
  index = 0,
): Promise<{ server: ReadableSpan; spans: ReadableSpan[] }> {
  const servers = await eventually(
    () => otel.spans().filter((s) => s.name === serverName && s.kind === SpanKind.SERVER),
    (found) => found.length > index,
  );
  const server = servers[index] as ReadableSpan;
  return { server, spans: treeOf(otel.spans()).inTrace(server.spanContext().traceId) };
}

async function tokenCallsOf(carrier: string): Promise<number> {
  const stats = await gw().control.stats(carrier);
  return Object.values(stats.tokenCalls).reduce((a, b) => a + b, 0);
}

describe('a rate request on a cached token', () => {
  it('is one trace: SERVER span (continuing the caller trace) > attempt > one CLIENT call that tells its cached credential', async () => {
    expect((await gw().request('POST', '/v1/rates', RATE)).status).toBe(200); // warms the token
    otel.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await gw().request('POST', '/v1/rates', RATE, {
      traceparent: `00-${callerTrace}-${callerSpan}-01`,
    });
    expect(res.status).toBe(200);

    const { server, spans } = await traceOf('POST /v1/rates');
    const tree = treeOf(spans);
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.parentSpanContext?.spanId).toBe(callerSpan);
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/rates',
      'http.response.status_code': 200,
      'url.path': '/v1/rates',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
    });

    const attempt = tree.one('attempt ups');
    expect(tree.parentOf(attempt)).toBe(server);
    expect(attempt.attributes).toMatchObject({ carrier: 'ups', 'gateway.attempt.outcome': 'success' });
    // A cache hit costs no span of its own (issue 17): the CLIENT span carries the credential.
    expect(tree.byName('auth.credential')).toEqual([]);
    expect(tree.byName('auth.token.refresh')).toEqual([]);

    const client = tree.childrenOf(attempt).filter((s) => s.kind === SpanKind.CLIENT);
    expect(client).toHaveLength(1);
    expect(client[0]?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      carrier: 'ups',
      'auth.credential': 'primary',
      'auth.token.source': 'cache',
    });
    expect(eventsOf(client[0] as ReadableSpan, 'auth.token.cache_hit')).toHaveLength(1);
    // Only the call's own spans: nothing else under the attempt.
    expect(tree.childrenOf(attempt)).toHaveLength(1);
    expect(String(attr(client[0], 'url.full'))).not.toContain('?');

    const points = await otel.points();
    expect(
      points.some(
        (p) =>
          p.name === 'http.server.request.duration' &&
          p.attributes['http.route'] === '/v1/rates' &&
          p.attributes['http.response.status_code'] === 200,
      ),
    ).toBe(true);
    expect(
      points.some((p) => p.name === 'http.client.request.duration' && p.attributes.carrier === 'ups'),
    ).toBe(true);

    // The access log line of this request carries the SERVER span's ids.
    const line = logs.find((l) => l.msg === 'request' && l.trace_id === callerTrace);
    expect(line).toMatchObject({ route: '/v1/rates', status: 200, span_id: server.spanContext().spanId });
  });
});

describe('a request that waits on a refresh in flight', () => {
  it('shows the wait on its own auth.credential span, and the refresh (with its CLIENT call) in the trace that started it', async () => {
    await gw().composed.broker.invalidate();
    // A slow token endpoint keeps the first request's refresh in flight while the second arrives.
    await gw().control.injectFault({
      carrier: 'ups',
      target: 'token',
      kind: 'slow',
      count: 1,
      params: { delayMs: 1_500 },
    });
    otel.reset();
    const before = await tokenCallsOf('ups');
    const first = gw().request('POST', '/v1/rates', RATE);
    await eventually(
      () => tokenCallsOf('ups'),
      (n) => n > before,
    );
    const second = gw().request('POST', '/v1/rates', RATE);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(await tokenCallsOf('ups')).toBe(before + 1);

    const starter = await traceOf('POST /v1/rates', 0);
    const waiter = await traceOf('POST /v1/rates', 1);
    const [refreshing, waiting] = [starter, waiter].sort(
      (a, b) =>
        treeOf(b.spans).byName('auth.token.refresh').length -
        treeOf(a.spans).byName('auth.token.refresh').length,
    ) as [typeof starter, typeof waiter];

    const refreshTree = treeOf(refreshing.spans);
    const credential = refreshTree.one('auth.credential');
    expect(credential.attributes['auth.token.source']).toBe('refresh');
    expect(eventsOf(credential, 'auth.token.call')[0]?.attributes).toMatchObject({
      'auth.token.reason': 'initial',
      'auth.token.outcome': 'success',
    });
    const refresh = refreshTree.one('auth.token.refresh');
    expect(refreshTree.parentOf(refresh)).toBe(credential);
    expect(refresh.attributes).toMatchObject({ carrier: 'ups' });
    const tokenCall = refreshTree.childrenOf(refresh);
    expect(tokenCall).toHaveLength(1);
    expect(tokenCall[0]?.kind).toBe(SpanKind.CLIENT);
    expect(tokenCall[0]?.attributes).toMatchObject({
      'carrier.operation': 'token',
      carrier: 'ups',
      'http.response.status_code': 200,
    });

    const waitTree = treeOf(waiting.spans);
    expect(waitTree.byName('auth.token.refresh')).toEqual([]);
    const waited = waitTree.one('auth.credential');
    expect(waited.attributes['auth.token.source']).toBe('wait');
    expect(eventsOf(waited, 'auth.token.wait')).toHaveLength(1);

    const points = await otel.points();
    const account = String(credential.attributes['carrier.account']);
    expect(points).toContainEqual(
      expect.objectContaining({
        name: 'gateway.auth.single_flight.waiters',
        attributes: { carrier: 'ups', 'carrier.account': account },
      }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({
        name: 'gateway.auth.token.requests',
        attributes: {
          carrier: 'ups',
          'carrier.account': account,
          'auth.token.outcome': 'success',
          'auth.token.reason': 'initial',
        },
      }),
    );
    expect(
      points.some((p) => p.name === 'gateway.auth.token.refresh.duration' && p.attributes.carrier === 'ups'),
    ).toBe(true);
    const expiry = points.find(
      (p) =>
        p.name === 'gateway.auth.token.time_to_expiry' &&
        p.attributes.carrier === 'ups' &&
        p.attributes['carrier.account'] === account,
    );
    expect(expiry?.attributes['auth.credential']).toBe('primary');
    expect(Number(expiry?.value)).toBeGreaterThan(0);
  });
});

describe('a label request that fails over', () => {
  it('shows the failed attempt and the successful one in one trace, with gateway.route.served_by', async () => {
    await gw().composed.broker.invalidate();
    await gw().control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client' });
    otel.reset();
    const res = await gw().request<Label>(
      'POST',
      '/v1/labels',
      { ...LABEL, reference: 'otel-failover' },
      {
        'idempotency-key': `otel-${crypto.randomUUID()}`,
      },
    );
    await gw().control.clearFaults('ups');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.routing).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });

    const { server, spans } = await traceOf('POST /v1/labels');
    const tree = treeOf(spans);
    expect(server.attributes['http.response.status_code']).toBe(201);
    const failed = tree.one('attempt ups');
    const served = tree.one('attempt fedex');
    expect(tree.parentOf(failed)).toBe(server);
    expect(tree.parentOf(served)).toBe(server);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({
      'gateway.attempt.outcome': 'failed',
      'auth.failure_class': 'misconfigured',
    });
    expect(served.attributes).toMatchObject({
      'gateway.attempt.outcome': 'success',
      'gateway.route.served_by': 'fedex',
      'gateway.route.requested': 'ups',
      'http.request.resend_count': 1,
    });

    // Under the failed attempt: the credential span and its failed refresh, classified.
    const credential = tree.childrenOf(failed).find((s) => s.name === 'auth.credential');
    expect(credential?.status.code).toBe(SpanStatusCode.ERROR);
    expect(credential?.attributes['auth.failure_class']).toBe('misconfigured');
    expect(eventsOf(credential, 'auth.token.call')[0]?.attributes).toMatchObject({
      'auth.token.outcome': 'failure',
      'auth.failure_class': 'misconfigured',
    });
    const refresh = tree.childrenOf(credential as ReadableSpan).find((s) => s.name === 'auth.token.refresh');
    expect(refresh?.status.code).toBe(SpanStatusCode.ERROR);
    expect(refresh?.attributes['auth.failure_class']).toBe('misconfigured');

    const points = await otel.points();
    expect(points).toContainEqual(
      expect.objectContaining({
        name: 'gateway.failovers',
        attributes: {
          'gateway.failover.from': 'ups',
          'gateway.failover.to': 'fedex',
          'gateway.failover.reason': 'misconfigured',
        },
      }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({
        name: 'gateway.auth.token.requests',
        attributes: expect.objectContaining({
          carrier: 'ups',
          'auth.token.outcome': 'failure',
          'auth.failure_class': 'misconfigured',
        }),
      }),
    );
  });
});

describe('an auth breaker opening', () => {
  let tripped: GatewayHarness;
  const trippedLogs: Record<string, unknown>[] = [];
  beforeAll(async () => {
    // One gateway at a time reports breaker states (both would label the same accounts).
    await h?.close();
    h = undefined;
    tripped = await startGatewayHarness({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      budget: AMPLE_BUDGET,
      // Opens on the first heavy failure; stays open for the whole test (no half-open timer).
      policy: {
        breaker: {
          auth: {
            errorThresholdPercentage: 50,
            volumeThreshold: 2,
            rollingWindowMs: 10_000,
            resetTimeoutMs: 60_000,
          },
          api: DEFAULT_POLICY.breaker.api,
        },
      },
      logger: createLogger({ level: 'info', write: (line) => trippedLogs.push(JSON.parse(line)) }),
    });
  });
  afterAll(() => tripped?.close());

  it('is a breaker.state_change event in the trace of the request that tripped it, a warning there, and gauge 2', async () => {
    await tripped.control.injectFault({ carrier: 'ups', target: 'token', kind: 'invalid_client' });
    otel.reset();
    const opened = (): ReadableSpan | undefined =>
      otel
        .spans()
        .find((s) =>
          s.events.some(
            (e) => e.name === 'breaker.state_change' && e.attributes?.['gateway.breaker.state'] === 'open',
          ),
        );
    for (let i = 0; i < 5 && opened() === undefined; i++) {
      expect((await tripped.request('POST', '/v1/rates', RATE)).status).toBe(200);
    }
    const span = opened();
    expect(span?.name).toBe('auth.credential');
    const event = span?.events.find((e) => e.name === 'breaker.state_change');
    expect(event?.attributes).toMatchObject({
      carrier: 'ups',
      'gateway.breaker.kind': 'auth',
      'gateway.breaker.state': 'open',
      'auth.failure_class': 'misconfigured',
    });
    const traceId = span?.spanContext().traceId;
    expect(trippedLogs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'circuit breaker opened',
        carrier: 'ups',
        breaker: 'auth',
        trace_id: traceId,
      }),
    );

    const account = String(span?.attributes['carrier.account']);
    const gauge = (await otel.points()).filter((p) => p.name === 'gateway.breaker.state');
    const state = (carrier: string, kind: string, acct?: string) =>
      gauge.find(
        (p) =>
          p.attributes.carrier === carrier &&
          p.attributes['gateway.breaker.kind'] === kind &&
          (acct === undefined || p.attributes['carrier.account'] === acct),
      )?.value;
    expect(state('ups', 'auth', account)).toBe(2);
    expect(state('ups', 'api', account)).toBe(0);
    expect(state('fedex', 'auth')).toBe(0);
  });
});
