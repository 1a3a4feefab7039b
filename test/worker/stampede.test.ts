/**
 * 200 concurrent rate requests on an expired token, split across two isolates (two Workers
 * bound to the same credential authorities), in workerd: exactly one token call per
 * carrier account — the account's Durable Object single-flights the refresh for everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { RateResponse } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import {
  buildTestBundle,
  type HttpAnswer,
  startSimulators,
  startWorker,
  workerConfig,
} from './support/worker-harness.ts';

const CARRIERS = ['ups', 'fedex', 'usps'];
const ACCOUNT: Record<string, string> = { ups: 'ups-sandbox', fedex: 'fedex-sandbox', usps: 'default' };
/** Long enough for both isolates to warm up on one token on a loaded machine, then it expires. */
const LIFETIME_S = 5;

let sandbox: Sandbox;
let worker: Awaited<ReturnType<typeof startWorker>>;
let cleanup: () => Promise<void>;

let deployment: () => Promise<Parameters<typeof startWorker>[0]>;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  sandbox = await startSimulators(CARRIERS);
  deployment = async () => ({
    bundle: built.bundle,
    ...workerConfig(sandbox, {
      carriers: CARRIERS,
      accounts: (carrier, accounts) =>
        accounts.filter((a) => a.id === ACCOUNT[carrier]).map((account) => ({ account })),
    }),
  });
  worker = await startWorker({ ...(await deployment()), twin: true });
});

afterAll(async () => {
  await worker?.dispose();
  await sandbox?.close();
  await cleanup?.();
});

const rates = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
};

async function tokenCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const carrier of CARRIERS)
    out[carrier] = (await sandbox.control.stats(carrier)).tokenCalls[ACCOUNT[carrier]!] ?? 0;
  return out;
}

describe('token stampede across isolates', () => {
  it('200 concurrent requests on an expired token make exactly 1 token call per carrier account', {
    timeout: 120_000,
  }, async () => {
    for (const carrier of CARRIERS)
      await sandbox.control.setMode({ carrier, tokenLifetimeSeconds: LIFETIME_S });
    // Warm up both isolates (and the authorities) at once with a token that is about to expire.
    const warm = await Promise.all([
      worker.request('POST', '/v1/rates', rates),
      worker.twin!('POST', '/v1/rates', rates),
    ]);
    for (const answer of warm) expect(answer.status).toBe(200);
    const before = await tokenCalls();
    for (const carrier of CARRIERS) expect(before[carrier]).toBe(1);
    for (const carrier of CARRIERS) await sandbox.control.setMode({ carrier, tokenLifetimeSeconds: 3600 });

    await new Promise((resolve) => setTimeout(resolve, LIFETIME_S * 1000 + 300)); // every token has expired

    const answers: HttpAnswer[] = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0 ? worker.request('POST', '/v1/rates', rates) : worker.twin!('POST', '/v1/rates', rates),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const body = answer.body as RateResponse;
      expect(body.messages, JSON.stringify(body.messages)).toEqual([]);
      expect(new Set(body.rates.map((r) => r.carrier))).toEqual(new Set(CARRIERS));
    }
    const after = await tokenCalls();
    for (const carrier of CARRIERS) {
      expect(after[carrier]! - before[carrier]!, carrier).toBe(1);
      expect((await sandbox.control.stats(carrier)).maxConcurrentTokenCalls[ACCOUNT[carrier]!]).toBe(1);
    }
  });
});

describe('token stampede on a cold start', () => {
  it('200 concurrent first requests on fresh authorities make exactly 1 token call per carrier account', {
    timeout: 120_000, // a fresh Worker pair and 200 requests through workerd on a loaded machine
  }, async () => {
    const cold = await startWorker({ ...(await deployment()), twin: true });
    try {
      const before = await tokenCalls();
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 === 0 ? cold.request('POST', '/v1/rates', rates) : cold.twin!('POST', '/v1/rates', rates),
        ),
      );
      for (const answer of answers) expect(answer.status).toBe(200);
      const after = await tokenCalls();
      for (const carrier of CARRIERS) expect(after[carrier]! - before[carrier]!, carrier).toBe(1);
    } finally {
      await cold.dispose();
    }
  });
});
