/**
 * The failover budget during a carrier-wide outage: every carrier's auth fails, so every
 * request would try the whole fallback chain. The budget (20% of recent requests, floor 2)
 * caps fallback attempts; past it requests fail fast with 503 all-carriers-unavailable and
 * Retry-After. Breakers get a huge volume here so that the budget, not a breaker, limits.
 *
 * Every carrier refuses every token at use time (401 even after the forced refresh). That way
 * each attempt reaches the carrier's API exactly twice (the call and its one retry), so the
 * simulators count attempts directly, and every fallback attempt is a real retry: a failure the
 * gateway answered itself (a token cooldown, an open breaker) would send nothing, and routing on
 * from it is free (budget-cooldown.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingRecord } from '../../src/domain/shipment.ts';
import type { BudgetSettings } from '../../src/resilience/budget.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { labelBody, policyWith, rateBody } from './support.ts';

const BUDGET: BudgetSettings = { ratio: 0.2, minPerWindow: 2, windowMs: 60_000 };
const LABELS = 20;
const RATES = 10;
const FALLBACKS = ['fedex', 'usps'];

interface Problem {
  type: string;
  status: number;
  routing?: RoutingRecord;
  messages?: { carrier: string }[];
}

describe("every carrier's auth failing", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    const huge = { volumeThreshold: 100_000 };
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex', 'usps'],
      fallbacks: { ups: FALLBACKS },
      policy: policyWith({ auth: huge, api: huge }),
      budget: BUDGET,
    });
  });
  afterAll(() => h.close());

  it('keeps fallback attempts within the budget and answers 503 all-carriers-unavailable with Retry-After', async () => {
    for (const carrier of ['ups', ...FALLBACKS])
      await h.control.injectFault({ carrier, target: 'api', kind: 'unauthorized' });

    const answers = [];
    // Sequential: each request's budget decision sees all earlier ones, as the bound assumes.
    for (let i = 0; i < LABELS; i++) {
      answers.push(
        await h.request<Problem>('POST', '/v1/labels', labelBody(`budget-${i}`), {
          'idempotency-key': crypto.randomUUID(),
        }),
      );
    }
    for (let i = 0; i < RATES; i++)
      answers.push(await h.request<Problem>('POST', '/v1/rates', rateBody(['ups'])));

    let fallbackAttempts = 0;
    let spent = 0;
    for (const { status, headers, body } of answers) {
      expect(status, JSON.stringify(body)).toBe(503);
      expect(body.type).toBe('/problems/all-carriers-unavailable');
      expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const routing = body.routing ? [body.routing] : [];
      for (const record of routing) {
        for (const attempt of record.attempts) {
          if (FALLBACKS.includes(attempt.carrier) && attempt.outcome !== 'skipped') fallbackAttempts += 1;
          if (attempt.reason === 'failover budget spent') spent += 1;
        }
      }
    }
    const requests = LABELS + RATES;
    const allowed = Math.max(BUDGET.minPerWindow, Math.floor(requests * BUDGET.ratio));
    // Labels carry their routing record in the problem; their fallback attempts are counted there.
    expect(fallbackAttempts).toBeGreaterThan(0);
    expect(fallbackAttempts).toBeLessThanOrEqual(allowed);
    expect(spent).toBeGreaterThan(0);
    // What the fallback carriers saw: two refused calls per attempt, never more than the budget allows.
    let refused = 0;
    for (const carrier of FALLBACKS) {
      const { apiCalls } = await h.control.stats(carrier);
      refused += Object.values(apiCalls).reduce((sum, byStatus) => sum + (byStatus['401'] ?? 0), 0);
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(2 * allowed);
    // Without a budget every request would have tried both fallbacks.
    expect(allowed).toBeLessThan(requests * FALLBACKS.length);
  });
});
