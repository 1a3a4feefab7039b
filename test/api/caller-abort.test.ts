/**
 * A caller that disconnects while the gateway waits on a carrier: the answer cannot be
 * delivered anyway, so the gateway must not log a bug (no 500, no "unhandled error"), must
 * not count the abort against the carrier's breakers, and must keep serving.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';

type Line = Record<string, unknown>;
const lines: Line[] = [];
let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGatewayHarness({
    carriers: ['ups'],
    fallbacks: {},
    logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Line) }),
  });
});
afterAll(() => gw?.close());
afterEach(() => gw.control.clearFaults());

const rateBody = JSON.stringify({
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000; // only against hangs; the test never depends on time
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends a rate request, aborts it once the simulator has taken the injected fault, waits for the gateway to finish. */
async function abortedRates(): Promise<Line> {
  const controller = new AbortController();
  const seen = lines.length;
  const pending = fetch(`${gw.url}/v1/rates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
    body: rateBody,
    signal: controller.signal,
  }).catch((e: unknown) => e);
  await until(async () => (await gw.control.faults('ups')).length === 0, 'the simulator to take the fault');
  controller.abort();
  expect(await pending).toMatchObject({ name: 'AbortError' });
  let done: Line | undefined;
  await until(() => {
    done = lines.slice(seen).find((l) => l.msg === 'request' && l.route === '/v1/rates');
    return done !== undefined;
  }, 'the gateway to finish the request');
  return done as Line;
}

function expectNothingOdd(since: number, access: Line) {
  const after = lines.slice(since);
  expect(access.status).toBe(499); // the nginx convention for "client closed request"
  expect(after.filter((l) => l.level === 'error')).toEqual([]);
  expect(after.some((l) => l.msg === 'caller went away' && l.level === 'info')).toBe(true);
}

function expectNoBreakerFailure() {
  const account = gw.sandbox.accounts('ups')[0]?.id ?? '';
  const view = gw.composed.gateway.board.view('ups', account);
  expect(view.auth).toMatchObject({ state: 'closed', failures: 0 });
  expect(view.api).toMatchObject({ state: 'closed', failures: 0 });
}

async function expectStillServing() {
  const res = await fetch(`${gw.url}/v1/rates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
    body: rateBody,
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { rates: unknown[] }).rates.length).toBeGreaterThan(0);
}

const tokenCalls = async (): Promise<number> =>
  Object.values((await gw.control.stats('ups')).tokenCallsByGrant)
    .flatMap((grants) => Object.values(grants ?? {}))
    .reduce((a, b) => a + b, 0);

describe('a caller that goes away during an upstream call', () => {
  it('while the token is being fetched: no bug logged, no breaker failure, the flight still completes', async () => {
    await gw.composed.broker.invalidate();
    await gw.control.injectFault({
      carrier: 'ups',
      target: 'token',
      kind: 'slow',
      params: { delayMs: 300 },
      count: 1,
    });
    const calls = await tokenCalls();
    const since = lines.length;
    const access = await abortedRates();
    expectNothingOdd(since, access);
    expectNoBreakerFailure();
    await expectStillServing();
    // The shared token flight was not cancelled by the caller that started it: its token serves the next request.
    expect((await tokenCalls()) - calls).toBe(1);
  });

  it('while the carrier is answering the rate call: no bug logged, no breaker failure', async () => {
    await gw.control.injectFault({ carrier: 'ups', target: 'api', endpoint: 'rate', kind: 'hang', count: 1 });
    const since = lines.length;
    const access = await abortedRates();
    expectNothingOdd(since, access);
    expectNoBreakerFailure();
    await expectStillServing();
  });
});
