/**
 * The auth breaker on Workers, in workerd: injected token failures trip UPS's auth breaker,
 * labels fail over to FedEx, and once the reset period is over the breaker half-opens and
 * closes again — across separate requests, although workerd cancels the timers a request
 * set when it ends (the breaker is driven by calls there: src/resilience/call-driven.ts).
 * With two isolates, each has its own breaker, but the account's credential authority lets
 * only one half-open probe per reset period through to the carrier for the whole fleet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { WorkerBundle } from '../../scripts/build-worker.ts';
import type { CarriersResponse } from '../../src/domain/carriers-view.ts';
import type { Label } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import {
  buildTestBundle,
  type HttpAnswer,
  startSimulators,
  startWorker,
  type WorkerHarness,
  workerConfig,
} from './support/worker-harness.ts';

/**
 * workerd runs the breakers on its own clock, which a test cannot move: the reset period is
 * long enough that the requests a step sends while the breaker is open all fit in it on a
 * loaded machine, and each step waits it out.
 */
const RESET_MS = 8_000;
let sandbox: Sandbox;
let bundle: WorkerBundle;
let worker: WorkerHarness;
let cleanup: () => Promise<void>;

/** UPS with one account (so every UPS call is the breaker's), failing over to FedEx. */
function deployment(upsAccount: string) {
  return workerConfig(sandbox, {
    carriers: ['ups', 'fedex'],
    fallbacks: { ups: ['fedex'], fedex: ['ups'] },
    accounts: (carrier, accounts) =>
      (carrier === 'ups' ? accounts.filter((a) => a.id === upsAccount) : accounts.slice(0, 1)).map(
        (account) => ({ account }),
      ),
    breaker: {
      auth: {
        volumeThreshold: 2,
        errorThresholdPercentage: 50,
        rollingWindowMs: 60_000,
        resetTimeoutMs: RESET_MS,
      },
    },
  });
}

beforeAll(async () => {
  const built = await buildTestBundle();
  bundle = built.bundle;
  cleanup = built.cleanup;
  sandbox = await startSimulators(['ups', 'fedex']);
  worker = await startWorker({ bundle, ...deployment('ups-sandbox') });
});

afterAll(async () => {
  await worker?.dispose();
  await sandbox?.close();
  await cleanup?.();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const label = (n: number) => ({
  carrier: 'ups',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
  serviceLevel: 'ground',
  format: 'ZPL',
  reference: `breaker-${n}`,
});

type Send = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<HttpAnswer>;

async function buy(n: number, send: Send = worker.request) {
  const answer = await send('POST', '/v1/labels', label(n), {
    'idempotency-key': `breaker-${n}-${crypto.randomUUID()}`,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as Label;
}

async function upsAuthBreaker(send: Send = worker.request): Promise<string | undefined> {
  const body = (await send('GET', '/v1/carriers')).body as CarriersResponse;
  const ups = body.carriers.find((c) => c.id === 'ups');
  return ups?.accounts[0]?.breakers.auth.state;
}

const upsTokenCalls = async (account = 'ups-sandbox') =>
  (await sandbox.control.stats('ups')).tokenCalls[account] ?? 0;

describe('auth breaker on Workers', () => {
  it('trips on injected auth failures, fails over, then half-opens and closes across later requests', {
    timeout: 90_000,
  }, async () => {
    // Two failures: the second request meets either the authority's cooldown (1 s, answered
    // without a token call) or, on a machine slow enough to outlast it, the carrier again.
    await sandbox.control.injectFault({
      carrier: 'ups',
      account: 'ups-sandbox',
      target: 'token',
      kind: 'server_error',
      count: 2,
    });

    // 1: the token call fails (503): FedEx serves the label.
    const first = await buy(1);
    expect(first.routing).toMatchObject({ requested: 'ups', servedBy: 'fedex', failedOver: true });
    expect(first.routing.attempts[0]).toMatchObject({
      carrier: 'ups',
      outcome: 'failed',
      class: 'unavailable',
    });
    expect(await upsTokenCalls()).toBe(1);

    // 2: the second failure, from the cooldown or the carrier: the breaker opens.
    const second = await buy(2);
    expect(second.routing.servedBy).toBe('fedex');
    expect(second.routing.attempts[0]).toMatchObject({
      carrier: 'ups',
      outcome: 'failed',
      class: 'unavailable',
    });
    expect(await upsAuthBreaker()).toBe('open');
    const callsWhenOpened = await upsTokenCalls();
    expect(callsWhenOpened).toBeLessThanOrEqual(2);

    // 3: while open, UPS is not even asked.
    const third = await buy(3);
    expect(third.routing.servedBy).toBe('fedex');
    expect(third.routing.attempts[0]).toMatchObject({ carrier: 'ups', outcome: 'skipped' });
    expect(await upsTokenCalls()).toBe(callsWhenOpened);

    // After the reset period, with no timer left alive in workerd, the next request sees it half-open.
    await sandbox.control.clearFaults('ups');
    await pause(RESET_MS + 300);
    expect(await upsAuthBreaker()).toBe('half_open');

    // The probe reaches UPS (the carrier has recovered): the label is UPS's and the breaker closes.
    const fourth = await buy(4);
    expect(fourth.routing).toMatchObject({ requested: 'ups', servedBy: 'ups', failedOver: false });
    expect(await upsTokenCalls()).toBe(callsWhenOpened + 1);
    expect(await upsAuthBreaker()).toBe('closed');
  });
});

describe('the half-open probe across isolates', () => {
  it('each isolate has its own breaker, but one probe per reset period reaches the carrier for the fleet', {
    timeout: 120_000,
  }, async () => {
    const account = 'ups-sandbox-2';
    const fleet = await startWorker({ bundle, ...deployment(account), twin: true });
    const a: Send = fleet.request;
    const b: Send = fleet.twin!;
    try {
      await sandbox.control.injectFault({
        carrier: 'ups',
        account,
        target: 'token',
        kind: 'server_error',
        count: 100,
      });
      for (const [n, send] of [
        [10, a],
        [11, a],
        [12, b],
        [13, b],
      ] as const) {
        expect((await buy(n, send)).routing.servedBy).toBe('fedex');
      }
      expect(await upsAuthBreaker(a)).toBe('open');
      expect(await upsAuthBreaker(b)).toBe('open');

      // Both isolates half-open and probe while UPS still fails: one token call, not two.
      await pause(RESET_MS + 300);
      const before = await upsTokenCalls(account);
      expect((await buy(14, a)).routing.servedBy).toBe('fedex');
      expect((await buy(15, b)).routing.servedBy).toBe('fedex');
      expect((await upsTokenCalls(account)) - before).toBe(1);
      expect(await upsAuthBreaker(a)).toBe('open');
      expect(await upsAuthBreaker(b)).toBe('open');

      // UPS recovers: the first isolate's probe fetches a token, the second one's uses it.
      await sandbox.control.clearFaults('ups');
      await pause(RESET_MS + 300);
      expect((await buy(16, a)).routing.servedBy).toBe('ups');
      expect((await buy(17, b)).routing.servedBy).toBe('ups');
      expect((await upsTokenCalls(account)) - before).toBe(2);
      expect(await upsAuthBreaker(a)).toBe('closed');
      expect(await upsAuthBreaker(b)).toBe('closed');
    } finally {
      await fleet.dispose();
    }
  });
});
