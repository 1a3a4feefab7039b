/**
 * Idempotency-Key on POST /v1/labels over real HTTP: concurrent requests with one key buy one
 * label and all get the same answer (later ones wait for the first, which is kept slow on
 * purpose); the same key with another body is a conflict; a failed first answer is replayed
 * too, without asking the carrier again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/domain/shipment.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { labelBody } from './support.ts';

const CONCURRENT = 50;

describe('labels with an Idempotency-Key', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({ carriers: ['ups', 'fedex'], fallbacks: { ups: ['fedex'] } });
  });
  afterAll(() => h.close());

  it('50 concurrent requests with the same key buy one label and get 50 identical answers', async () => {
    // The purchase takes a while, so every request arrives while the first is still in flight.
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'label',
      kind: 'slow',
      params: { delayMs: 300 },
      count: 1,
    });
    const key = crypto.randomUUID();
    const body = labelBody('idem-same-key');
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        h.request<Label>('POST', '/v1/labels', body, { 'idempotency-key': key }),
      ),
    );
    const first = answers[0];
    expect(first?.status, JSON.stringify(first?.body)).toBe(201);
    for (const answer of answers) {
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual(first?.body);
    }
    const stats = await h.control.stats('ups');
    expect(stats.labelsByReference['idem-same-key']).toBe(1);
    expect(stats.apiCalls.label?.['200']).toBe(1);
  });

  it('the same key with a different body is 422 idempotency-conflict, and nothing is bought', async () => {
    const key = crypto.randomUUID();
    const first = await h.request<Label>('POST', '/v1/labels', labelBody('idem-conflict'), {
      'idempotency-key': key,
    });
    expect(first.status).toBe(201);
    const conflict = await h.request<{ type: string; status: number }>(
      'POST',
      '/v1/labels',
      labelBody('idem-conflict', { parcels: [{ weight: { value: 3, unit: 'kg' } }] }),
      { 'idempotency-key': key },
    );
    expect(conflict.status).toBe(422);
    expect(conflict.body.type).toBe('/problems/idempotency-conflict');
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect((await h.control.stats('ups')).labelsByReference['idem-conflict']).toBe(1);
  });

  it('a failed first answer is replayed as it was, without a second purchase attempt', async () => {
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'label',
      kind: 'server_error',
      params: { status: 500 },
      count: 1,
    });
    const key = crypto.randomUUID();
    const body = labelBody('idem-failed');
    const first = await h.request('POST', '/v1/labels', body, { 'idempotency-key': key });
    // A 5xx from a ship call is ambiguous: reported, never bought elsewhere.
    expect(first.status, JSON.stringify(first.body)).toBe(502);
    expect(first.body).toMatchObject({ type: '/problems/label-outcome-unknown', carrier: 'ups' });
    const callsAfterFirst = (await h.control.stats('ups')).apiCalls.label;

    const replay = await h.request('POST', '/v1/labels', body, { 'idempotency-key': key });
    expect(replay.status).toBe(502);
    expect(replay.body).toEqual(first.body);
    expect((await h.control.stats('ups')).apiCalls.label).toEqual(callsAfterFirst);
    expect((await h.control.stats('fedex')).labelsByReference['idem-failed']).toBeUndefined();
  });
});
