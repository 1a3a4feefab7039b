/**
 * A caller's mistakes are never a carrier's failure: a burst of invalid requests (400) leaves
 * every breaker exactly as it was, and a burst of requests the carrier itself refuses (422
 * carrier-rejected: the carrier answered, the credential worked) moves no failure count and
 * opens nothing, even with a breaker volume the burst would otherwise exceed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../support/gateway-harness.ts';
import { ADDRESSES, startGatewayHarness } from '../support/gateway-harness.ts';
import { type AccountBreakers, breakerBoard, labelBody, policyWith, rateBody } from './support.ts';

const SMALL = { volumeThreshold: 3, errorThresholdPercentage: 10 };

const INVALID: { path: string; body: unknown }[] = [
  { path: '/v1/rates', body: {} },
  { path: '/v1/rates', body: { ...rateBody(['ups']), parcels: [] } },
  { path: '/v1/rates', body: { ...rateBody(['ups']), parcels: [{ weight: { value: -1, unit: 'kg' } }] } },
  {
    path: '/v1/rates',
    body: { ...rateBody(['ups']), recipient: { ...ADDRESSES.newYork, countryCode: 'USA' } },
  },
  { path: '/v1/labels', body: { ...labelBody('bad-1'), format: 'BMP' } },
  {
    path: '/v1/labels',
    body: { ...labelBody('bad-2'), parcels: [{ weight: { value: 'heavy', unit: 'kg' } }] },
  },
  { path: '/v1/labels', body: { ...labelBody('bad-3'), reference: 'x'.repeat(200) } },
  { path: '/v1/labels', body: { ...labelBody('bad-4'), carrier: 'not a carrier!' } },
];

/** Failure counts and states only: successes may grow when a carrier answers a refusal. */
const failuresOf = (board: Record<string, AccountBreakers>) =>
  Object.fromEntries(
    Object.entries(board).map(([key, b]) => [
      key,
      { auth: [b.auth.state, b.auth.failures], api: [b.api.state, b.api.failures] },
    ]),
  );

describe("a caller's invalid request and a carrier's rejection", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex', 'usps'],
      policy: policyWith({ auth: SMALL, api: SMALL }),
    });
    // Some traffic first, so the breakers have counts to compare.
    const warm = await h.request('POST', '/v1/rates', rateBody());
    expect(warm.status).toBe(200);
  });
  afterAll(() => h.close());

  it('GET /v1/carriers shows every account with both breakers and their counts', async () => {
    const board = await breakerBoard(h);
    expect(Object.keys(board)).toEqual(expect.arrayContaining(['ups/ups-sandbox', 'fedex/fedex-sandbox']));
    for (const breakers of Object.values(board)) {
      for (const b of [breakers.auth, breakers.api]) {
        expect(b).toMatchObject({ state: 'closed', failures: 0 });
        expect(b.successes).toBeGreaterThanOrEqual(0);
        expect(b.rejects).toBe(0);
      }
    }
    expect(board['ups/ups-sandbox']?.api.successes).toBeGreaterThan(0);
  });

  it('a burst of 400s moves no breaker at all', async () => {
    const before = await breakerBoard(h);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        INVALID.map(({ path, body }) =>
          h.request<{ status: number; type: string }>('POST', path, body, {
            'idempotency-key': crypto.randomUUID(),
          }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        expect(answer.body.type).toBe('/problems/validation');
      }
    }
    expect(await breakerBoard(h)).toEqual(before);
  });

  it('a burst of carrier rejections (422) counts no failure and opens nothing', async () => {
    const before = failuresOf(await breakerBoard(h));
    // USPS refuses a 40 kg Ground Advantage parcel: an explicit answer about the content.
    const heavy = labelBody('too-heavy', {
      carrier: 'usps',
      failover: 'never',
      parcels: [{ weight: { value: 40, unit: 'kg' } }],
    });
    for (let i = 0; i < 2 * SMALL.volumeThreshold; i++) {
      const { status, body } = await h.request('POST', '/v1/labels', heavy, {
        'idempotency-key': crypto.randomUUID(),
      });
      expect(status, JSON.stringify(body)).toBe(422);
      expect(body).toMatchObject({ type: '/problems/carrier-rejected', carrier: 'usps', class: 'rejected' });
    }
    expect(failuresOf(await breakerBoard(h))).toEqual(before);
  });
});
