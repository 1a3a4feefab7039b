/**
 * Breakers at tenant scale: an account's breakers cost no timer and no opossum breaker while
 * they only count successes, keep every count when a failure arrives (the percentage is the
 * same as opossum's alone would be), go back to light once their window holds no failure, and
 * idle pairs are dropped from the board while an open one is never dropped.
 */
import { createHook } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { CarrierError } from '../../src/domain/failure.ts';
import { type BreakerBoard, createBreakerBoard } from '../../src/resilience/board.ts';
import { ClassifiedBreaker } from '../../src/resilience/breaker.ts';
import { DEFAULT_POLICY } from '../../src/resilience/settings.ts';

let clock = 5_000_000;
const WINDOW_MS = 10_000;
const boards: BreakerBoard[] = [];
const breakers: ClassifiedBreaker[] = [];

afterEach(() => {
  for (const b of boards.splice(0)) b.shutdown();
  for (const b of breakers.splice(0)) b.shutdown();
});

const down = () =>
  new CarrierError({
    carrier: 'acme',
    account: 'main',
    failureClass: 'unavailable',
    outcome: 'not_sent',
    message: 'down',
  });

function apiBreaker(drive: 'calls' | 'timers', states: string[] = []): ClassifiedBreaker {
  const b = new ClassifiedBreaker({
    name: 'acme:main:api',
    carrier: 'acme',
    account: 'main',
    settings: {
      errorThresholdPercentage: 50,
      volumeThreshold: 10,
      rollingWindowMs: WINDOW_MS,
      resetTimeoutMs: 60_000,
    },
    weightOf: (e) => (e instanceof CarrierError ? 1 : 0),
    now: () => clock,
    drive,
    events: { stateChange: (state) => states.push(state) },
  });
  breakers.push(b);
  return b;
}

const fail = (b: ClassifiedBreaker) => b.run(() => Promise.reject(down())).catch((e: unknown) => e);
const succeed = (b: ClassifiedBreaker) => b.run(async () => 'ok');

describe('light breakers', () => {
  for (const drive of ['calls', 'timers'] as const) {
    it(`(${drive}) successes before the first failure still count: 9 successes need 10 failures to open`, async () => {
      const states: string[] = [];
      const b = apiBreaker(drive, states);
      for (let i = 0; i < 9; i++) await succeed(b);
      expect(b.idle).toBe(true);
      expect(b.stats).toEqual({ failures: 0, successes: 9, rejects: 0 });
      for (let i = 0; i < 9; i++) await fail(b);
      // 9 failures of 18 calls: 50 %, not over the threshold.
      expect(b.state).toBe('closed');
      expect(b.stats).toEqual({ failures: 9, successes: 9, rejects: 0 });
      await fail(b);
      expect(b.state).toBe('open');
      expect(states).toEqual(['open']);
      expect(b.idle).toBe(false);
    });
  }

  it('errors that do not count are successes, as opossum filters them', async () => {
    const b = apiBreaker('calls');
    await b.run(() => Promise.reject(new Error('caller bug'))).catch(() => undefined);
    expect(b.stats).toEqual({ failures: 0, successes: 1, rejects: 0 });
    expect(b.idle).toBe(true);
  });

  it('goes back to light once its failures rolled out of the window, keeping the later successes', async () => {
    const b = apiBreaker('calls');
    await fail(b);
    expect(b.idle).toBe(false);
    clock += WINDOW_MS / 2;
    await succeed(b);
    clock += WINDOW_MS / 2 + 1;
    expect(b.idle).toBe(true);
    expect(b.stats).toEqual({ failures: 0, successes: 1, rejects: 0 });
    clock += WINDOW_MS;
    expect(b.stats).toEqual({ failures: 0, successes: 0, rejects: 0 });
  });

  it('used once, 1,000 accounts add no timer (auth and API breakers)', async () => {
    const board = createBreakerBoard(() => DEFAULT_POLICY);
    boards.push(board);
    let timers = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'Timeout') timers += 1;
      },
    }).enable();
    try {
      for (let i = 0; i < 1_000; i++) {
        const pair = board.for('acme', `acct-${i}`);
        await pair.auth.run(async () => true);
        await pair.api.run(async () => true);
      }
    } finally {
      hook.disable();
    }
    expect(timers).toBe(0);
    expect(board.size()).toBe(1_000);
  });
});

describe('idle pairs leave the board', () => {
  const IDLE_MS = 60_000;
  const makeBoard = () => {
    const board = createBreakerBoard(() => DEFAULT_POLICY, {
      drive: 'calls',
      now: () => clock,
      idleMs: IDLE_MS,
    });
    boards.push(board);
    return board;
  };

  it('idle closed pairs are dropped as new accounts arrive; an open pair is kept, with its state', async () => {
    const board = makeBoard();
    const open = board.for('acme', 'revoked');
    open.auth.forceOpen();
    for (let i = 0; i < 3; i++) await board.for('acme', `idle-${i}`).api.run(async () => true);
    expect(board.size()).toBe(4);
    clock += IDLE_MS + 1;
    for (let i = 0; i < 4; i++) board.for('acme', `new-${i}`);
    // The three idle pairs went; the open one stayed (moved to the back) and is the same breaker.
    expect(board.size()).toBe(5);
    expect(board.for('acme', 'revoked')).toBe(open);
    // Its reset period (30 s) is over: half-open, waiting for its probe, never dropped meanwhile.
    expect(open.auth.state).toBe('half_open');
    clock += IDLE_MS + 1;
    for (let i = 0; i < 8; i++) board.for('acme', `later-${i}`);
    expect(board.for('acme', 'revoked')).toBe(open);
  });

  it('a pair used within the idle period is kept', async () => {
    const board = makeBoard();
    const pair = board.for('acme', 'busy');
    clock += IDLE_MS / 2;
    await pair.api.run(async () => true);
    expect(board.for('acme', 'busy')).toBe(pair);
    clock += IDLE_MS / 2 + 1;
    board.for('acme', 'other');
    expect(board.for('acme', 'busy')).toBe(pair);
  });
});
