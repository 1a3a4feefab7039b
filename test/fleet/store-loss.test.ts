/**
 * Store loss loses nothing: two gateway processes on a private Redis without persistence.
 * - Redis restarted empty under steady traffic on a strict single-use rotating account: no
 *   refresh token is replayed (simulator), the account serves again soon after Redis returns,
 *   nobody re-connects it; `/readyz` says the store was lost and what was written back.
 * - Redis frozen (SIGSTOP): the same label key sent to A then B is bought at most once (201 or
 *   503 idempotency-unavailable); after SIGCONT a retry gets the first label if one was bought.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SoakRedis, startSoakRedis } from '../../bench/soak/processes/redis.ts';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { connectedAccount, tokenStats } from '../redis/support/accounts.ts';
import { type Fleet, type Instance, startFleet, untilReady } from '../redis/support/fleet.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';

const ROTATING = 'rot-store-loss';
const TOKEN_LIFETIME_S = 3;
const RATES = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
  carriers: ['ups'],
};
const LABEL = {
  carrier: 'ups',
  account: ROTATING,
  serviceLevel: 'ground',
  format: 'ZPL',
  reference: 'store-frozen',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
};

describe.runIf(hasRedis)('store loss, 2 instances on a Redis without persistence', () => {
  let redis: SoakRedis;
  let sandbox: Sandbox;
  let fleet: Fleet;
  beforeAll(async () => {
    redis = await startSoakRedis();
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    const account = connectedAccount(sandbox, 'ups', ROTATING);
    await sandbox.control.setMode({ carrier: 'ups', account: ROTATING, strictRotation: true });
    fleet = await startFleet({
      size: 2,
      sandbox,
      redisUrl: redis.url,
      carriers: ['ups'],
      accounts: [account],
      tokenCallTimeoutMs: 5_000,
      tuning: { commandTimeoutMs: 1_000, lockTtlMs: 3_000, pollMs: 100 },
    });
  }, 60_000);
  afterAll(async () => {
    redis?.thaw();
    await fleet?.close();
    await sandbox?.close();
    await redis?.dispose();
  });

  it('Redis restarted empty under traffic: no refresh token replayed, served again, no re-connect', async () => {
    await sandbox.control.setMode({
      carrier: 'ups',
      account: ROTATING,
      tokenLifetimeSeconds: TOKEN_LIFETIME_S,
    });
    let running = true;
    const outcomes: { at: number; served: boolean }[] = [];
    const loops = fleet.instances.map(async (instance) => {
      while (running) {
        const answer = await instance
          .request<{ rates?: { carrier: string }[] }>('POST', '/v1/rates', RATES)
          .catch(() => undefined);
        outcomes.push({
          at: Date.now(),
          served: answer?.status === 200 && (answer.body.rates ?? []).some((r) => r.carrier === 'ups'),
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    // Steady state: the rotating token is refreshed (and rotated) under traffic.
    const start = (await tokenStats(sandbox, 'ups', ROTATING)).refreshes;
    for (let i = 0; i < 200 && (await tokenStats(sandbox, 'ups', ROTATING)).refreshes < start + 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.restartEmpty(1_000);
    const back = Date.now();
    for (const instance of fleet.instances) await untilReady(instance);
    // Tokens expire every 3 s: the account must refresh on the restored store, several times.
    const afterLoss = (await tokenStats(sandbox, 'ups', ROTATING)).refreshes;
    for (let i = 0; i < 300 && (await tokenStats(sandbox, 'ups', ROTATING)).refreshes < afterLoss + 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    running = false;
    await Promise.all(loops);

    const stats = await tokenStats(sandbox, 'ups', ROTATING);
    expect(stats.reuse).toBe(0);
    expect(stats.refreshes).toBeGreaterThanOrEqual(afterLoss + 3);
    const firstServedAfter = outcomes.find((o) => o.at > back && o.served)?.at;
    expect(firstServedAfter).toBeDefined();
    console.info(`[store loss] served again ${firstServedAfter! - back} ms after Redis returned empty`);
    // The last requests were all served: no re-connect was needed.
    expect(outcomes.slice(-4).every((o) => o.served)).toBe(true);
    // The fleet reports the loss: whichever instance wrote first restored the tokens (the other
    // may have found them there already).
    const details = await Promise.all(
      fleet.instances.map(async (instance) => (await untilReady(instance)).checks?.storeLoss?.detail ?? ''),
    );
    expect(details.some((detail) => /lost data .* written back: [1-9]\d* token/.test(detail))).toBe(true);
  }, 120_000);

  it('Redis frozen: the same label key on A then B is bought at most once; after SIGCONT a retry gets it', async () => {
    const [a, b] = fleet.instances as [Instance, Instance];
    const key = `frozen-${crypto.randomUUID()}`;
    redis.freeze();
    const answers: { status: number; body: { trackingNumber?: string; type?: string } }[] = [];
    try {
      for (const instance of [a, b])
        answers.push(await instance.request('POST', '/v1/labels', LABEL, { 'idempotency-key': key }, 20_000));
    } finally {
      redis.thaw();
    }
    for (const answer of answers) expect([201, 503]).toContain(answer.status);
    for (const answer of answers.filter((x) => x.status === 503))
      expect(answer.body.type).toBe('/problems/idempotency-unavailable');
    await untilReady(a);
    await untilReady(b);
    const retry = await b.request<{ trackingNumber?: string }>(
      'POST',
      '/v1/labels',
      LABEL,
      { 'idempotency-key': key },
      30_000,
    );
    expect(retry.status).toBe(201);
    const bought = answers.find((x) => x.status === 201);
    if (bought) expect(retry.body.trackingNumber).toBe(bought.body.trackingNumber);
    expect((await sandbox.control.stats('ups')).labelsByReference[LABEL.reference]).toBe(1);
  }, 60_000);
});
