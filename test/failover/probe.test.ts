/**
 * The half-open probe of one ClassifiedBreaker (the real opossum breaker, tiny windows): the
 * call that is the probe is told so (the broker lets it past its cooldown), exactly one call
 * per half-open period is, and a probe that ends without any carrier verdict (its caller went
 * away) does not close the breaker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/domain/failure.ts';
import { type BreakerState, ClassifiedBreaker } from '../../src/resilience/breaker.ts';
import { AUTH_FAILURE_WEIGHTS } from '../../src/resilience/weights.ts';

const RESET_MS = 60;
let breaker: ClassifiedBreaker | undefined;
afterEach(() => breaker?.shutdown());

function authBreaker(resetMs = RESET_MS): {
  breaker: ClassifiedBreaker;
  next: (state: BreakerState) => Promise<void>;
} {
  const waiters: { state: BreakerState; resolve: () => void }[] = [];
  const b = new ClassifiedBreaker({
    name: 'acme:main:auth',
    carrier: 'acme',
    account: 'main',
    settings: {
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      rollingWindowMs: 10_000,
      resetTimeoutMs: resetMs,
    },
    weightOf: (e) => (e instanceof CarrierError && e.auth ? AUTH_FAILURE_WEIGHTS[e.failureClass] : 0),
    events: {
      stateChange: (state) => {
        for (const w of waiters.filter((x) => x.state === state)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      },
    },
  });
  breaker = b;
  const next = (state: BreakerState) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never became ${state}`)), 5_000);
      waiters.push({
        state,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { breaker: b, next };
}

const revoked = () =>
  new CarrierError({
    carrier: 'acme',
    account: 'main',
    failureClass: 'revoked',
    outcome: 'not_sent',
    message: 'refresh token refused',
    auth: true,
  });

async function openThenHalfOpen(b: ClassifiedBreaker, next: (s: BreakerState) => Promise<void>) {
  const halfOpen = next('half_open');
  await b.run(() => Promise.reject(revoked())).catch(() => undefined);
  expect(b.state).toBe('open');
  await halfOpen;
}

describe('the half-open probe', () => {
  it('only the one call that is the probe is told so; others are refused while it runs', async () => {
    const { breaker: b, next } = authBreaker();
    const flags: boolean[] = [];
    await b.run(async (probe) => flags.push(probe));
    await openThenHalfOpen(b, next);
    let release: () => void = () => undefined;
    const probe = b.run(async (p) => {
      flags.push(p);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const refused = await b.run(async (p) => flags.push(p)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierError);
    expect(refused).toMatchObject({ code: 'breaker_open', outcome: 'not_sent', failureClass: 'revoked' });
    release();
    await probe;
    expect(b.state).toBe('closed');
    await b.run(async (p) => flags.push(p));
    expect(flags).toEqual([false, true, false]);
  });

  it('a probe whose caller went away proves nothing: the breaker opens again instead of closing', async () => {
    const { breaker: b, next } = authBreaker();
    await openThenHalfOpen(b, next);
    const aborted = await b
      .run(() => Promise.reject(new DOMException('The operation was aborted.', 'AbortError')))
      .catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(DOMException);
    expect(b.state).toBe('open');
  });

  it('a probe the carrier answered with a verdict that does not count (a refusal of the content) closes it', async () => {
    const { breaker: b, next } = authBreaker();
    await openThenHalfOpen(b, next);
    const rejected = new CarrierError({
      carrier: 'acme',
      account: 'main',
      failureClass: 'rejected',
      outcome: 'rejected',
      message: 'postal code unknown',
    });
    await b.run(() => Promise.reject(rejected)).catch(() => undefined);
    expect(b.state).toBe('closed');
  });

  it('while open, Retry-After is the rest of the reset period; 0 once it admits again', async () => {
    const { breaker: b } = authBreaker(60_000);
    expect(b.retryAfterMs).toBe(0);
    await b.run(() => Promise.reject(revoked())).catch(() => undefined);
    expect(b.state).toBe('open');
    expect(b.retryAfterMs).toBeGreaterThan(0);
    expect(b.retryAfterMs).toBeLessThanOrEqual(60_000);
    b.forceClose();
    expect(b.retryAfterMs).toBe(0);
  });
});
