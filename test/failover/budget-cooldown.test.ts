/**
 * A refusal that sent nothing is not a retry. While the broker cools down after a failed token
 * call, or once an account's hourly token quota is spent, the gateway does not call the carrier
 * at all, so going on to the fallback is the request's first real attempt and spends no
 * failover budget, exactly as routing past an open breaker does. The refusals still count for
 * the carrier's auth breaker.
 *
 * Issue 20's repro: UPS's token endpoint answers an HTML error page, FedEx is healthy, and 20
 * sequential rate requests name UPS. The gateway used to spend the budget on every cooldown
 * refusal and, once it was spent, answered `503 all-carriers-unavailable` with FedEx healthy.
 *
 * How the budget is read: the budget's floor is FLOOR and its ratio 0, so FLOOR retries are
 * allowed in the window (60 s, longer than the test). After the requests the test takes what
 * is left; FLOOR minus that is what the requests spent, which must equal the token calls UPS
 * really received (each real failure makes the next attempt a retry, nothing else does).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import type { FailoverBudget } from '../../src/resilience/budget.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { breakersOf, labelBody, policyWith, rateBody, tokenCalls } from './support.ts';

const RATES = 20;
const LABELS = 5;
/** Retries allowed in the window: more than the few real token calls a slow run can make. */
const FLOOR = 6;
const BUDGET = { ratio: 0, minPerWindow: FLOOR, windowMs: 60_000 };

/** Takes every retry left in the budget (so only at the end of a test): how many there were. */
function drain(budget: FailoverBudget): number {
  let left = 0;
  while (left < 1_000 && budget.trySpend()) left += 1;
  return left;
}

async function upsAndFedex(options: Parameters<typeof startGatewayHarness>[0] = {}): Promise<GatewayHarness> {
  return startGatewayHarness({
    carriers: ['ups', 'fedex'],
    fallbacks: { ups: ['fedex'] },
    budget: BUDGET,
    ...options,
  });
}

async function rateNamingUps(h: GatewayHarness) {
  const answer = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.rates.length).toBeGreaterThan(0);
  expect(answer.body.rates.every((r) => r.carrier === 'fedex')).toBe(true);
  expect(answer.body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
  return answer.body;
}

describe('token cooldown refusals with a healthy fallback (auth breaker kept closed)', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    // The breaker never opens here, so every request meets UPS's cooldown inside its attempt.
    h = await upsAndFedex({ policy: policyWith({ auth: { volumeThreshold: 100_000 } }) });
  });
  afterAll(() => h.close());

  it('answers every request from the fallback and spends budget only on real token calls', async () => {
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'html_error' });
    for (let i = 0; i < RATES; i++) await rateNamingUps(h);
    for (let i = 0; i < LABELS; i++) {
      const { status, body, text } = await h.request<Label>('POST', '/v1/labels', labelBody(`cool-${i}`), {
        'idempotency-key': crypto.randomUUID(),
      });
      expect(status, text).toBe(201);
      expect(body.carrier).toBe('fedex');
    }

    const real = await tokenCalls(h, 'ups');
    expect(real).toBeGreaterThanOrEqual(1);
    // Far fewer real calls than requests: the cooldown answered the rest without calling UPS.
    expect(real).toBeLessThan(FLOOR);
    expect(FLOOR - drain(h.composed.gateway.core.budget)).toBe(real);
    // Every refusal, real or from the cooldown, counted for UPS's auth breaker.
    const { auth } = await breakersOf(h, 'ups');
    expect(auth.state).toBe('closed');
    expect(auth.failures).toBe(RATES + LABELS);
  });
});

describe('token cooldown refusals with a healthy fallback (default auth breaker)', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await upsAndFedex();
  });
  afterAll(() => h.close());

  it('opens the auth breaker on the refusals and serves every request from the fallback', async () => {
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'html_error' });
    for (let i = 0; i < RATES; i++) await rateNamingUps(h);

    const real = await tokenCalls(h, 'ups');
    expect((await breakersOf(h, 'ups')).auth.state).toBe('open');
    expect(FLOOR - drain(h.composed.gateway.core.budget)).toBe(real);
  });
});

describe('a spent token quota with a healthy fallback', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await upsAndFedex({
      policy: policyWith({ auth: { volumeThreshold: 100_000 } }),
      accounts: (carrier, accounts) =>
        carrier === 'ups' ? accounts.map((a) => ({ ...a, tokenCallsPerHour: 1 })) : accounts,
    });
  });
  afterAll(() => h.close());

  it('routes on from the quota refusal for free', async () => {
    // One failed token call takes the hour's only call; once its cooldown ends, the quota refuses.
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'html_error', count: 1 });
    await vi.waitFor(
      async () => {
        const body = await rateNamingUps(h);
        expect(body.messages.some((m) => m.carrier === 'ups' && m.code === 'token_quota')).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );
    for (let i = 0; i < 5; i++) await rateNamingUps(h);

    expect(await tokenCalls(h, 'ups')).toBe(1);
    expect(FLOOR - drain(h.composed.gateway.core.budget)).toBe(1);
    expect((await breakersOf(h, 'ups')).auth.failures).toBeGreaterThan(1);
  });
});

describe('a cooldown met after the carrier refused the call', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await upsAndFedex({ policy: policyWith({ auth: { volumeThreshold: 100_000 } }) });
  });
  afterAll(() => h.close());

  it('is a real attempt: UPS saw the call, so going on to the fallback is a retry', async () => {
    const first = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
    expect(first.body.rates.every((r) => r.carrier === 'ups')).toBe(true);
    // Now UPS refuses the cached token at use time, and the forced refresh fails (then cools down).
    await h.control.injectFault({ carrier: 'ups', target: 'api', kind: 'unauthorized' });
    await h.control.injectFault({ carrier: 'ups', target: 'token', kind: 'html_error' });
    const requests = 4;
    for (let i = 0; i < requests; i++) await rateNamingUps(h);

    const { apiCalls } = await h.control.stats('ups');
    const refused = Object.values(apiCalls).reduce((sum, byStatus) => sum + (byStatus['401'] ?? 0), 0);
    expect(refused).toBe(requests);
    expect(FLOOR - drain(h.composed.gateway.core.budget)).toBe(requests);
  });
});
