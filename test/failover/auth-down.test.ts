/**
 * Primary auth down, one failure class at a time: UPS's token endpoint fails, its auth breaker
 * opens within the configured volume, and from then on no request touches UPS's token endpoint
 * until the reset timeout; rates (carriers: [ups]) and labels are served by FedEx with the
 * mapped service and a routing record. Then the fault is cleared, the breaker half-opens, ONE
 * probe reaches UPS's token endpoint (the broker's cooldown must not answer it) and traffic
 * comes back to UPS. The breakers run on a clock the test moves, so the reset period ends
 * exactly when the test says, however slow the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../sandbox/kit/types.ts';
import type { CarriersResponse } from '../../src/domain/carriers-view.ts';
import type { FailureClass } from '../../src/domain/failure.ts';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { fakeClock } from '../support/clock.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import {
  AMPLE_BUDGET,
  breakersOf,
  labelBody,
  policyWith,
  rateBody,
  tokenCalls,
  watchBreakers,
} from './support.ts';

const AUTH = {
  errorThresholdPercentage: 50,
  volumeThreshold: 4,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 800,
};

/** The breakers' clock: the reset period passes only when a test advances it. */
const clock = fakeClock();

interface Case {
  failureClass: FailureClass;
  fault: Omit<FaultSpec, 'carrier' | 'target'>;
  /** UPS's default account is the one connected through the authorization-code flow. */
  connected?: boolean;
}

const CASES: Case[] = [
  // A refused refresh token whose stored copy did not change: the grant is revoked.
  { failureClass: 'revoked', fault: { endpoint: 'refresh', kind: 'invalid_grant' }, connected: true },
  { failureClass: 'misconfigured', fault: { kind: 'invalid_client' } },
  { failureClass: 'malformed', fault: { kind: 'error_body_200' } },
  { failureClass: 'unavailable', fault: { kind: 'server_error', params: { status: 503 } } },
  { failureClass: 'throttled', fault: { kind: 'throttled', params: { retryAfterFormat: 'none' } } },
];

async function startUpsWithFedexFallback(connected: boolean): Promise<GatewayHarness> {
  return startGatewayHarness({
    carriers: ['ups', 'fedex'],
    fallbacks: { ups: ['fedex'] },
    policy: policyWith({ auth: AUTH }),
    budget: AMPLE_BUDGET,
    breakerClock: clock.now,
    ...(connected
      ? {
          accounts: (carrier, accounts) =>
            carrier === 'ups'
              ? accounts
                  .filter((a) => a.id === 'ups-connected')
                  .map((a) => ({ ...a, authMethod: 'authorization_code' as const }))
              : accounts,
        }
      : {}),
  });
}

describe.each(CASES)('primary auth down: $failureClass', ({ failureClass, fault, connected }) => {
  let h: GatewayHarness;
  let breakers: ReturnType<typeof watchBreakers>;
  beforeAll(async () => {
    h = await startUpsWithFedexFallback(connected ?? false);
    breakers = watchBreakers(h);
  });
  afterAll(() => h.close());

  it('opens the UPS auth breaker within its volume while FedEx quotes instead', async () => {
    await h.control.injectFault({ carrier: 'ups', target: 'token', ...fault });
    let sent = 0;
    while ((await breakersOf(h, 'ups')).auth.state !== 'open' && sent < AUTH.volumeThreshold) {
      const { status, body } = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
      sent += 1;
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.rates.length).toBeGreaterThan(0);
      expect(body.rates.every((r) => r.carrier === 'fedex')).toBe(true);
      expect(body.messages).toEqual([expect.objectContaining({ carrier: 'ups', class: failureClass })]);
      expect(body.messages[0]?.text).toContain('FedEx quoted instead');
      expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
      expect(body.routing[0]?.attempts[0]).toMatchObject({
        carrier: 'ups',
        outcome: 'failed',
        class: failureClass,
      });
    }
    const view = await breakersOf(h, 'ups');
    expect(view.auth.state).toBe('open');
    expect(view.auth.openedAt).toEqual(expect.any(String));
    expect(view.auth.failures).toBeGreaterThanOrEqual(AUTH.volumeThreshold);
    expect(view.api.state).toBe('closed');
    expect(sent).toBeLessThanOrEqual(AUTH.volumeThreshold);
  });

  it('while open: no request touches the UPS token endpoint; rates and labels go to FedEx with a routing record', async () => {
    const callsBefore = await tokenCalls(h, 'ups');
    const halfOpensBefore = breakers.count('ups', 'auth', 'half_open');
    const [rates, labels] = await Promise.all([
      Promise.all(
        Array.from({ length: 4 }, () => h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']))),
      ),
      Promise.all(
        Array.from({ length: 2 }, (_, i) =>
          h.request<Label>('POST', '/v1/labels', labelBody(`open-${failureClass}-${i}`), {
            'idempotency-key': crypto.randomUUID(),
          }),
        ),
      ),
    ]);
    // The reset period has not passed: no probe, no token call.
    expect(breakers.count('ups', 'auth', 'half_open') - halfOpensBefore).toBe(0);
    expect((await tokenCalls(h, 'ups')) - callsBefore).toBe(0);

    for (const { status, body } of rates) {
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.rates.every((r) => r.carrier === 'fedex')).toBe(true);
      expect(body.messages[0]).toMatchObject({ carrier: 'ups', class: failureClass, code: 'breaker_open' });
      expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
      expect(body.routing[0]?.attempts.map((a) => [a.carrier, a.outcome])).toEqual([
        ['ups', 'skipped'],
        ['fedex', 'success'],
      ]);
      expect(body.routing[0]?.attempts[0]?.class).toBe(failureClass);
    }
    for (const { status, body } of labels) {
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.carrier).toBe('fedex');
      // UPS Ground mapped to FedEx's ground service.
      expect(body.service).toMatchObject({ code: 'FEDEX_GROUND', level: 'ground' });
      expect(body.routing).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
      expect(body.routing.attempts.map((a) => [a.carrier, a.outcome])).toEqual([
        ['ups', 'skipped'],
        ['fedex', 'success'],
      ]);
      expect(body.routing.attempts[0]?.class).toBe(failureClass);
    }

    // GET /v1/carriers tells an operator the same.
    const { body: carriers } = await h.request<CarriersResponse>('GET', '/v1/carriers');
    const ups = carriers.carriers.find((c) => c.id === 'ups')?.accounts[0];
    expect(ups?.breakers.auth).toMatchObject({ state: 'open', openedAt: expect.any(String) });
    expect(ups?.breakers.auth.failures).toBeGreaterThanOrEqual(AUTH.volumeThreshold);
    expect(carriers.carriers.find((c) => c.id === 'fedex')?.accounts[0]?.breakers.auth.state).toBe('closed');
  });

  it('after the reset timeout, one probe reaches the UPS token endpoint and traffic returns to UPS', async () => {
    await h.control.clearFaults('ups');
    expect((await breakersOf(h, 'ups')).auth.state).toBe('open');
    clock.advance(AUTH.resetTimeoutMs);
    expect((await breakersOf(h, 'ups')).auth.state).toBe('half_open');
    expect(breakers.count('ups', 'auth', 'half_open')).toBe(1);
    const callsBefore = await tokenCalls(h, 'ups');

    const probe = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
    expect(probe.status, JSON.stringify(probe.body)).toBe(200);
    expect(probe.body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'ups', failedOver: false });
    expect(probe.body.messages).toEqual([]);
    expect(probe.body.rates.every((r) => r.carrier === 'ups')).toBe(true);
    expect((await tokenCalls(h, 'ups')) - callsBefore).toBe(1);
    expect((await breakersOf(h, 'ups')).auth.state).toBe('closed');

    const label = await h.request<Label>('POST', '/v1/labels', labelBody(`back-${failureClass}`), {
      'idempotency-key': crypto.randomUUID(),
    });
    expect(label.status, JSON.stringify(label.body)).toBe(201);
    expect(label.body).toMatchObject({ carrier: 'ups', service: { code: '03', level: 'ground' } });
    expect(label.body.routing).toMatchObject({ requested: 'ups', servedBy: 'ups', failedOver: false });
    // The probe's token is reused: recovery costs exactly one token call.
    expect((await tokenCalls(h, 'ups')) - callsBefore).toBe(1);
  });
});

describe("a carrier's Retry-After outlasts the breaker's reset timeout", () => {
  let h: GatewayHarness;
  let breakers: ReturnType<typeof watchBreakers>;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      policy: policyWith({ auth: { ...AUTH, resetTimeoutMs: 300 } }),
      budget: AMPLE_BUDGET,
      breakerClock: clock.now,
    });
    breakers = watchBreakers(h);
  });
  afterAll(() => h.close());

  it('the half-open probe is held by the broker until Retry-After, without a token call, and FedEx serves', async () => {
    await h.control.injectFault({
      carrier: 'ups',
      target: 'token',
      kind: 'throttled',
      params: { retryAfter: 30, retryAfterFormat: 'seconds' },
    });
    for (let i = 0; i < AUTH.volumeThreshold && (await breakersOf(h, 'ups')).auth.state !== 'open'; i++) {
      await h.request('POST', '/v1/rates', rateBody(['ups']));
    }
    expect((await breakersOf(h, 'ups')).auth.state).toBe('open');
    await h.control.clearFaults('ups');
    clock.advance(300);
    expect((await breakersOf(h, 'ups')).auth.state).toBe('half_open');
    const callsBefore = await tokenCalls(h, 'ups');

    const { status, body } = await h.request<RateResponse>('POST', '/v1/rates', rateBody(['ups']));
    expect(status).toBe(200);
    expect(body.routing[0]).toMatchObject({ requested: 'ups', servedBy: 'fedex' });
    expect(body.messages[0]).toMatchObject({ carrier: 'ups', class: 'throttled' });
    expect(await tokenCalls(h, 'ups')).toBe(callsBefore);
    // The probe failed (the carrier asked to wait), so the breaker opened again.
    expect((await breakersOf(h, 'ups')).auth.state).toBe('open');
    expect(breakers.count('ups', 'auth', 'half_open')).toBe(1);
    expect(breakers.count('ups', 'auth', 'open')).toBe(2);
  });
});
