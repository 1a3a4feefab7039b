/**
 * The redaction seams on their own: whatever code sets on a span, an event, a metric label
 * or a log line, what leaves goes through redact.ts (secret-named keys, Authorization
 * credentials, OAuth parameters in text, URL queries, registered secret values).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { instruments, tracer } from '../../src/telemetry/instruments.ts';
import {
  forgetSecrets,
  maskSecrets,
  REDACTED,
  registerSecret,
  safeAttributes,
  safeFields,
} from '../../src/telemetry/redact.ts';
import { installTestTelemetry, type TestTelemetry } from './support/otel.ts';

const SECRET = 'client-secret-value-7f3a';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.payload.signature-abcdef';

let otel: TestTelemetry;
beforeAll(() => {
  otel = installTestTelemetry();
});
afterAll(() => otel.shutdown());
afterEach(() => {
  forgetSecrets();
  otel.reset();
});

describe('safeAttributes and maskSecrets', () => {
  it('redact secret-named keys, Authorization credentials, OAuth parameters, URL queries and registered values', () => {
    registerSecret(SECRET);
    const out = safeAttributes({
      'http.request.header.authorization': `Bearer ${TOKEN}`,
      'x.api_key': 'k-123456789',
      'url.full': `https://carrier.example/oauth/token?code=abc123456&state=s1234567`,
      'auth.credential': 'primary', // the gateway's own attribute: a credential NAME, kept
      'auth.token.source': 'cache',
      note: `body grant_type=refresh_token&refresh_token=${TOKEN}&client_secret=${SECRET}`,
      echoed: `the carrier said ${SECRET}`,
      header: `Authorization: Basic ${btoa(`user:${SECRET}`)}`,
      list: [`Bearer ${TOKEN}`, 'plain'],
      count: 3,
    });
    expect(out).toEqual({
      'http.request.header.authorization': REDACTED,
      'x.api_key': REDACTED,
      'url.full': 'https://carrier.example/oauth/token',
      'auth.credential': 'primary',
      'auth.token.source': 'cache',
      note: `body grant_type=refresh_token&refresh_token=${REDACTED}&client_secret=${REDACTED}`,
      echoed: `the carrier said ${REDACTED}`,
      header: `Authorization: Basic ${REDACTED}`,
      list: [`Bearer ${REDACTED}`, 'plain'],
      count: 3,
    });
  });

  it('mask a value seen before once it becomes a registered secret (URLs and text are remembered masked)', () => {
    const url = `https://carrier.example/accounts/${SECRET}/rates?x=1`;
    const seen = { 'url.full': url, note: `account ${SECRET}` };
    expect(safeAttributes(seen)).toEqual({
      'url.full': `https://carrier.example/accounts/${SECRET}/rates`,
      note: `account ${SECRET}`,
    });
    registerSecret(SECRET);
    expect(safeAttributes(seen)).toEqual({
      'url.full': `https://carrier.example/accounts/${REDACTED}/rates`,
      note: `account ${REDACTED}`,
    });
  });

  it('keep ordinary text intact', () => {
    expect(maskSecrets('token call failed: invalid_grant (basic auth)')).toBe(
      'token call failed: invalid_grant (basic auth)',
    );
  });

  it('safeFields keeps error codes, redacts secret-named fields, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const out = safeFields({
      code: 'invalid_grant',
      password: 'hunter2-hunter2',
      nested: { accessToken: TOKEN },
      cyclic,
    });
    expect(out.code).toBe('invalid_grant');
    expect(out.password).toBe(REDACTED);
    expect(out.nested).toEqual({ accessToken: REDACTED });
    expect(JSON.stringify(out)).toContain('[nested]');
  });
});

describe('the span processor', () => {
  it('exports a redacted copy of whatever was set on the span, its events and its status', () => {
    registerSecret(SECRET);
    tracer().startActiveSpan(`refresh ${SECRET}`, (span) => {
      span.setAttribute('client_secret', SECRET);
      span.setAttribute('carrier.operation', `token for ${SECRET}`);
      span.addEvent('token', { 'oauth.refresh_token': TOKEN, detail: `refresh_token=${TOKEN}` });
      span.setStatus({ code: SpanStatusCode.ERROR, message: `Bearer ${TOKEN} refused` });
      span.end();
    });
    const [span] = otel.spans();
    const text = JSON.stringify({ name: span?.name, a: span?.attributes, e: span?.events, s: span?.status });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
    expect(span?.attributes.client_secret).toBe(REDACTED);
    expect(span?.events[0]?.attributes?.['oauth.refresh_token']).toBe(REDACTED);
    expect(span?.status.message).toBe(`Bearer ${REDACTED} refused`);
  });

  it('hands a span with nothing to redact on as it is, and copies only what a redaction changed', () => {
    registerSecret(SECRET);
    let clean: unknown;
    tracer().startActiveSpan('quote', (span) => {
      clean = span;
      span.setAttributes({ carrier: 'ups', 'url.full': 'https://carrier.example/rating' });
      span.addEvent('cache hit', { 'auth.token.source': 'cache' });
      span.end();
    });
    let original: ReadableSpan | undefined;
    tracer().startActiveSpan(
      'refresh',
      { links: [{ context: otel.spans()[0]!.spanContext(), attributes: { note: `for ${SECRET}` } }] },
      (span) => {
        original = span as unknown as ReadableSpan;
        span.setAttribute('carrier', 'ups');
        span.addEvent('first', { n: 1 });
        span.addEvent('second', { detail: `refresh_token=${TOKEN}` });
        span.addEvent('third');
        span.end();
      },
    );
    const [plain, redacted] = otel.spans();
    expect(plain).toBe(clean);
    expect(redacted).not.toBe(original);
    expect(redacted?.attributes).toBe(original?.attributes);
    expect(redacted?.events[0]).toBe(original?.events[0]);
    expect(redacted?.events[1]?.attributes?.detail).toBe(`refresh_token=${REDACTED}`);
    expect(redacted?.events[2]).toBe(original?.events[2]);
    expect(redacted?.links[0]?.attributes?.note).toBe(`for ${REDACTED}`);
    expect(redacted?.spanContext()).toEqual(original?.spanContext());
    expect(redacted?.parentSpanContext).toEqual(original?.parentSpanContext);
    expect([redacted?.startTime, redacted?.endTime, redacted?.duration]).toEqual([
      original?.startTime,
      original?.endTime,
      original?.duration,
    ]);
  });
});

describe('metric labels', () => {
  it('go through the same redaction', async () => {
    registerSecret(SECRET);
    instruments.tokenRequests().add(1, { carrier: 'acme', 'x.password': 'p4ssw0rd-value', echoed: SECRET });
    const point = (await otel.points()).find((p) => p.name === 'gateway.auth.token.requests');
    expect(point?.attributes).toEqual({ carrier: 'acme', 'x.password': REDACTED, echoed: REDACTED });
  });
});

describe('log lines', () => {
  it('carry trace and span ids inside a span, none outside, and never a secret', () => {
    registerSecret(SECRET);
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ write: (l) => lines.push(JSON.parse(l)) });
    logger.info('outside');
    tracer().startActiveSpan('work', (span) => {
      logger.warn(`refused ${SECRET}`, { apiKey: 'sk_live_0123456789', detail: `Bearer ${TOKEN}` });
      span.end();
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    const [span] = otel.spans();
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: `refused ${REDACTED}`,
      trace_id: span?.spanContext().traceId,
      span_id: span?.spanContext().spanId,
      apiKey: REDACTED,
      detail: `Bearer ${REDACTED}`,
    });
  });
});
