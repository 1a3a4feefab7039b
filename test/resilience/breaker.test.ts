import { afterEach, describe, expect, it } from 'vitest';
import { CarrierError, type FailureClass } from '../../src/domain/failure.ts';
import { ClassifiedBreaker } from '../../src/resilience/breaker.ts';
import { AUTH_FAILURE_WEIGHTS, NON_HEALING_TRIP } from '../../src/resilience/weights.ts';

const authError = (failureClass: FailureClass) =>
  new CarrierError({
    carrier: 'acme',
    account: 'main',
    failureClass,
    outcome: 'not_sent',
    message: failureClass,
    auth: true,
  });

const breakers: ClassifiedBreaker[] = [];
function makeBreaker(volumeThreshold = 4, resetTimeoutMs = 60_000) {
  const breaker = new ClassifiedBreaker({
    name: 'acme:main:auth',
    carrier: 'acme',
    account: 'main',
    settings: { errorThresholdPercentage: 50, volumeThreshold, rollingWindowMs: 60_000, resetTimeoutMs },
    weightOf: (e) => (e instanceof CarrierError && e.auth ? AUTH_FAILURE_WEIGHTS[e.failureClass] : 0),
  });
  breakers.push(breaker);
  return breaker;
}

async function failWith(breaker: ClassifiedBreaker, error: unknown, times: number) {
  for (let i = 0; i < times; i++) await breaker.run(() => Promise.reject(error)).catch(() => undefined);
}

afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
});

describe('classified breaker', () => {
  it('revoked failures trip it in fewer calls than throttled ones (weights 2 vs 1)', async () => {
    const revoked = makeBreaker();
    await failWith(revoked, authError('revoked'), 2);
    expect(revoked.state).toBe('open');

    const throttled = makeBreaker();
    await failWith(throttled, authError('throttled'), 2);
    expect(throttled.state).toBe('closed');
    await failWith(throttled, authError('throttled'), 2);
    expect(throttled.state).toBe('open');
  });

  it('errors of weight zero (a caller refused by the carrier, a bug) never move it', async () => {
    const breaker = makeBreaker(1);
    const rejected = new CarrierError({
      carrier: 'acme',
      account: 'main',
      failureClass: 'rejected',
      outcome: 'rejected',
      message: 'bad postcode',
    });
    await failWith(breaker, rejected, 10);
    await failWith(breaker, new TypeError('bug'), 10);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats.failures).toBe(0);
  });

  it('when open, rejects at once with a classified not_sent error naming the last failure', async () => {
    const breaker = makeBreaker(1);
    await failWith(breaker, authError('misconfigured'), 1);
    let called = false;
    const error = await breaker
      .run(async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(CarrierError);
    expect(error).toMatchObject({
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      code: 'breaker_open',
      auth: true,
    });
  });

  it('half-open lets exactly one probe through; its success closes the breaker', async () => {
    const breaker = makeBreaker(1, 50);
    await failWith(breaker, authError('unavailable'), 1);
    expect(breaker.state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(breaker.state).toBe('half_open');

    let release!: () => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = () => resolve('probe'))));
    const second = await breaker.run(async () => 'second').catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 'breaker_open' });
    release();
    expect(await probe).toBe('probe');
    expect(breaker.state).toBe('closed');
  });

  it('a failed half-open probe reopens it', async () => {
    const breaker = makeBreaker(1, 50);
    await failWith(breaker, authError('revoked'), 1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await failWith(breaker, authError('revoked'), 1);
    expect(breaker.state).toBe('open');
  });

  it('record() counts a failure seen outside run()', async () => {
    const breaker = makeBreaker(2);
    breaker.record(authError('token_expired'));
    breaker.record(authError('token_expired'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(breaker.state).toBe('open');
    expect(breaker.lastFailure?.failureClass).toBe('token_expired');
  });
});

describe('non-healing failures in a row', () => {
  function tripBreaker() {
    const breaker = new ClassifiedBreaker({
      name: 'acme:main:auth',
      carrier: 'acme',
      account: 'main',
      // A huge volume threshold: only the consecutive rule can open it here.
      settings: {
        errorThresholdPercentage: 50,
        volumeThreshold: 1_000,
        rollingWindowMs: 60_000,
        resetTimeoutMs: 60_000,
      },
      weightOf: (e) => (e instanceof CarrierError && e.auth ? AUTH_FAILURE_WEIGHTS[e.failureClass] : 0),
      consecutiveTrip: NON_HEALING_TRIP,
    });
    breakers.push(breaker);
    return breaker;
  }

  it('opens after three revoked failures in a row, whatever successes the window holds', async () => {
    const breaker = tripBreaker();
    for (let i = 0; i < 200; i++) await breaker.run(async () => 'ok');
    await failWith(breaker, authError('revoked'), 2);
    expect(breaker.state).toBe('closed');
    await failWith(breaker, authError('revoked'), 1);
    expect(breaker.state).toBe('open');
  });

  it('a success in between, or a healing class, restarts the count', async () => {
    const breaker = tripBreaker();
    await failWith(breaker, authError('misconfigured'), 2);
    await breaker.run(async () => 'ok');
    await failWith(breaker, authError('misconfigured'), 2);
    await failWith(breaker, authError('throttled'), 5);
    await failWith(breaker, authError('misconfigured'), 2);
    expect(breaker.state).toBe('closed');
  });
});

describe('closing restarts the count of non-healing failures', () => {
  it('after a forced close, one more revoked failure does not reopen it', async () => {
    const breaker = new ClassifiedBreaker({
      name: 'acme:main:auth',
      carrier: 'acme',
      account: 'main',
      settings: {
        errorThresholdPercentage: 50,
        volumeThreshold: 1_000,
        rollingWindowMs: 60_000,
        resetTimeoutMs: 60_000,
      },
      weightOf: (e) => (e instanceof CarrierError && e.auth ? AUTH_FAILURE_WEIGHTS[e.failureClass] : 0),
      consecutiveTrip: NON_HEALING_TRIP,
    });
    breakers.push(breaker);
    await failWith(breaker, authError('revoked'), 3);
    expect(breaker.state).toBe('open');
    breaker.forceClose();
    await failWith(breaker, authError('revoked'), 1);
    expect(breaker.state).toBe('closed');
  });
});
