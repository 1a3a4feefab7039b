/**
 * The timer-free breaker drive used on Workers ('calls'), on Node with an injected clock:
 * open turns half-open when the breaker is next used after the reset period, the single
 * probe closes or re-opens it, and the stats window rolls by elapsed time. The reset period
 * here is far longer than the test runs, so opossum's own timer can never be what moved it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/domain/failure.ts';
import { ClassifiedBreaker } from '../../src/resilience/breaker.ts';
import { CallDrivenRotation } from '../../src/resilience/call-driven.ts';

const RESET_MS = 60 * 60_000;
const WINDOW_MS = 10 * 60_000;

let clock = 1_000_000;
const breakers: ClassifiedBreaker[] = [];

function breaker(states: string[] = []): ClassifiedBreaker {
  const b = new ClassifiedBreaker({
    name: 'acme:main:auth',
    carrier: 'acme',
    account: 'main',
    settings: {
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      rollingWindowMs: WINDOW_MS,
      resetTimeoutMs: RESET_MS,
    },
    weightOf: (e) => (e instanceof CarrierError ? 1 : 0),
    now: () => clock,
    drive: 'calls',
    events: { stateChange: (state) => states.push(state) },
  });
  breakers.push(b);
  return b;
}

afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
});

const failure = () =>
  new CarrierError({
    carrier: 'acme',
    account: 'main',
    failureClass: 'unavailable',
    outcome: 'not_sent',
    message: 'down',
    auth: true,
  });
const fail = (b: ClassifiedBreaker) => b.run(() => Promise.reject(failure())).catch((e: unknown) => e);
const succeed = (b: ClassifiedBreaker) => b.run(async () => 'ok');

describe("the 'calls' breaker drive", () => {
  it('opens, stays open through the reset period, then half-opens on use and a successful probe closes it', async () => {
    const states: string[] = [];
    const b = breaker(states);
    await fail(b);
    await fail(b);
    expect(b.state).toBe('open');
    clock += RESET_MS - 1;
    expect(b.admits).toBe(false);
    expect(((await fail(b)) as CarrierError).code).toBe('breaker_open');
    clock += 1;
    expect(b.state).toBe('half_open');
    expect(await succeed(b)).toBe('ok');
    expect(b.state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('lets one probe through when half-open and re-opens on its failure, for a full new period', async () => {
    const b = breaker();
    await fail(b);
    await fail(b);
    clock += RESET_MS;
    let release: () => void = () => undefined;
    const probe = b.run(() => new Promise<never>((_, reject) => (release = () => reject(failure()))));
    expect(b.admits).toBe(false); // the probe is in flight: others are refused
    expect(((await fail(b)) as CarrierError).code).toBe('breaker_open');
    release();
    await probe.catch(() => undefined);
    expect(b.state).toBe('open');
    clock += RESET_MS - 1;
    expect(b.state).toBe('open');
    clock += 1;
    expect(b.state).toBe('half_open');
  });

  it('rolls the stats window by elapsed time: old failures stop counting', async () => {
    const b = breaker();
    await fail(b);
    expect(b.stats.failures).toBe(1);
    clock += WINDOW_MS + WINDOW_MS / 10;
    expect(b.stats.failures).toBe(0);
    await fail(b); // one fresh failure alone is below the volume threshold
    expect(b.state).toBe('closed');
  });
});

describe('CallDrivenRotation', () => {
  it('rotates once per elapsed interval, at most one window', () => {
    const rotation = new CallDrivenRotation(100, 10, 0);
    let rotations = 0;
    const listener = () => {
      rotations += 1;
    };
    rotation.on('rotate', listener);
    expect(rotation.listenerCount('rotate', listener)).toBe(1);
    rotation.advance(99);
    expect(rotations).toBe(0);
    rotation.advance(250);
    expect(rotations).toBe(2);
    rotation.advance(10_000);
    expect(rotations).toBe(12);
    rotation.removeListener('rotate', listener);
    rotation.advance(20_000);
    expect(rotations).toBe(12);
  });
});
