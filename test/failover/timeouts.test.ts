/**
 * Every upstream call has a total timeout with a real abort: when a carrier never answers,
 * the gateway answers the caller at the timeout AND the carrier's server sees the connection
 * go away (the simulator counts a hung call only once its client is gone), so nothing keeps
 * a socket or a purchase dangling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../support/gateway-harness.ts';
import { startGatewayHarness } from '../support/gateway-harness.ts';
import { labelBody, policyWith, rateBody } from './support.ts';

/** Polls the simulator until it counted `n` calls to `endpoint` that got no answer (status 0). */
async function untilServerSawClientGone(h: GatewayHarness, endpoint: string, n: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const seen = (await h.control.stats('ups')).apiCalls[endpoint]?.['0'] ?? 0;
    if (seen >= n || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a carrier that never answers', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups'],
      fallbacks: {},
      policy: policyWith({ timeouts: { totalMs: 300 } }),
    });
  });
  afterAll(() => h.close());

  it('a hanging rate call is aborted at the total timeout: 503 for the caller, socket closed at the carrier', async () => {
    await h.control.injectFault({ carrier: 'ups', target: 'api', endpoint: 'rate', kind: 'hang', count: 1 });
    const { status, body } = await h.request('POST', '/v1/rates', rateBody(['ups']));
    expect(status, JSON.stringify(body)).toBe(503);
    expect(body).toMatchObject({
      type: '/problems/all-carriers-unavailable',
      messages: [{ carrier: 'ups', class: 'unavailable', code: 'timeout' }],
    });
    expect(await untilServerSawClientGone(h, 'rate', 1)).toBe(1);
  });

  it('a hanging ship call is aborted too, and reported as label-outcome-unknown (it was sent)', async () => {
    await h.control.injectFault({ carrier: 'ups', target: 'api', endpoint: 'label', kind: 'hang', count: 1 });
    const { status, body } = await h.request('POST', '/v1/labels', labelBody('hung-label'), {
      'idempotency-key': crypto.randomUUID(),
    });
    expect(status, JSON.stringify(body)).toBe(502);
    expect(body).toMatchObject({
      type: '/problems/label-outcome-unknown',
      carrier: 'ups',
      account: 'ups-sandbox',
      reference: 'hung-label',
    });
    expect(await untilServerSawClientGone(h, 'label', 1)).toBe(1);
    // Here UPS had created nothing, but the gateway cannot know that: it did not buy elsewhere.
    expect((await h.control.stats('ups')).labelsByReference['hung-label']).toBeUndefined();
  });
});
