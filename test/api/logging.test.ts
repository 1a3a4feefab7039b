/**
 * Logs: one access line per request (method, route pattern, status, duration, request id;
 * never bodies or headers), and a bug logged exactly once with its correlation id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { API_KEY, type Harness, jsonPost, problemOf, startHarness, validRateRequest } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('access log', () => {
  it('writes one line per request with the route pattern and no headers or body', async () => {
    const before = h.logs.length;
    const res = await h.fetch('/v1/tracking/acme/SECRET123', { headers: { 'X-Request-Id': 'trace-1' } });
    expect(res.status).toBe(200);
    await h.fetch('/v1/rates', jsonPost(validRateRequest(), { 'X-Request-Id': 'trace-2' }));
    const lines = h.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/v1/tracking/:carrier/:trackingNumber',
      status: 200,
      requestId: 'trace-1',
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(typeof lines[0]?.time).toBe('string');
    const text = JSON.stringify(h.logs.slice(before));
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain('SECRET123');
    expect(text).not.toContain('Atlanta'); // nothing of the body
  });
});

describe('bugs', () => {
  it('are logged once with the correlation id of the answer, without the message text', async () => {
    const before = h.logs.length;
    h.gateway.failNext('rates', new Error('token=sk_live_abcdef leaked into a message'));
    const res = await h.fetch('/v1/rates', jsonPost(validRateRequest(), { 'X-Request-Id': 'bug-1' }));
    const problem = await problemOf(res);
    const correlationId = String(problem.instance).replace('urn:uuid:', '');
    const lines = h.logs.slice(before);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'unhandled error',
      correlationId,
      requestId: 'bug-1',
      errorName: 'Error',
    });
    expect(JSON.stringify(lines).match(new RegExp(correlationId, 'g'))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('sk_live_abcdef');
  });
});

describe('logger', () => {
  it('filters by level and writes one JSON object per line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l), now: () => new Date(0) });
    logger.info('dropped');
    logger.warn('kept', { a: 1 });
    logger.child({ component: 'x' }).error('child', { big: 10n });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'warn', msg: 'kept', a: 1 },
      { time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'child', component: 'x', big: '10' },
    ]);
  });
});
