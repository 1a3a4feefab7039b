/**
 * Soak invariant `no-label-bought-twice`, broken by the chaos action "Redis killed and
 * restarted empty" (issue 20; seed 20 of `npm run soak -- --short --exclude none` shows it: about
 * two dozen keys bought twice in 105 s).
 *
 * Two gateway processes share one Redis. A label is bought through instance A with an
 * Idempotency-Key; Redis then loses its data (restarted without persistence). The same key and
 * body sent to instance B finds no record, runs again, and buys a second label: the carrier's
 * book holds two labels for one key. (A repeat on A is replayed from A's memory; one on a
 * restarted instance is bought again as well.) The same loss lets a different body under a used
 * key be bought instead of answered `422 idempotency-conflict`. The fix: when Redis answers
 * again, every instance writes back the answers it holds (the store-loss protocol) before a
 * repeat can find the key missing.
 *
 * The 10-minute soak (seed 525084474, 200 req/s) broke it once more: keys bought in the first
 * seconds were bought again after Redis was restarted empty at 363 s, because both instances
 * had been killed and restarted since, and a restarted instance only kept copies of answers
 * announced after it started. The fix: an instance copies the fleet's answers from the store
 * when it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SoakRedis, startSoakRedis } from '../../../bench/soak/processes/redis.ts';
import { createSimulator as fedexSimulator } from '../../../carriers/fedex/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { clientAccount } from '../../redis/support/accounts.ts';
import { type Fleet, type Instance, startFleet, untilReady } from '../../redis/support/fleet.ts';
import { ADDRESSES } from '../../support/gateway-harness.ts';
import { hasRedis } from '../../support/redis.ts';

const ACCOUNT = 'fedex-sandbox';
const REFERENCE = 'soak-lost-store';

const LABEL = {
  carrier: 'fedex',
  serviceLevel: 'ground',
  format: 'PDF',
  reference: REFERENCE,
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
};

describe.runIf(hasRedis)('a label key after Redis restarted empty', () => {
  let redis: SoakRedis;
  let sandbox: Sandbox;
  let fleet: Fleet;
  beforeAll(async () => {
    redis = await startSoakRedis();
    sandbox = await startSandbox({ simulators: { fedex: fedexSimulator } });
    fleet = await startFleet({
      size: 2,
      sandbox,
      redisUrl: redis.url,
      carriers: ['fedex'],
      accounts: [clientAccount(sandbox, 'fedex', ACCOUNT)],
      tuning: { commandTimeoutMs: 1_000 },
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await redis?.dispose();
  });

  it('is not bought a second time on another instance', async () => {
    const [a, b] = fleet.instances as [Instance, Instance];
    const key = `soak-${crypto.randomUUID()}`;
    const first = await a.request('POST', '/v1/labels', LABEL, { 'idempotency-key': key }, 20_000);
    expect(first.status).toBe(201);

    await redis.restartEmpty(200);
    await untilReady(a);
    await untilReady(b);
    // The fleet reports the loss and the label answer written back: A (which bought it) or B
    // (which kept a copy), whichever wrote first; the other found it there already.
    const detailOf = async (instance: Instance) =>
      (await instance.request<{ checks?: { storeLoss?: { detail?: string } } }>('GET', '/readyz')).body.checks
        ?.storeLoss?.detail ?? '';
    let details: string[] = [];
    for (let i = 0; i < 100 && !details.some((d) => /[1-9]\d* label answer/.test(d)); i++) {
      details = await Promise.all([a, b].map(detailOf));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(details.some((d) => /lost data .* [1-9]\d* label answer/.test(d))).toBe(true);
    // Any answer is acceptable but a second purchase.
    await b.request('POST', '/v1/labels', LABEL, { 'idempotency-key': key }, 30_000);

    const { labelsByReference } = await sandbox.control.stats('fedex');
    expect(labelsByReference[REFERENCE] ?? 0).toBeLessThanOrEqual(1);
  });

  it('is not bought again even when the instance that bought it is gone too: the other kept a copy', async () => {
    const [a, b] = fleet.instances as [Instance, Instance];
    const key = `soak-${crypto.randomUUID()}`;
    const body = { ...LABEL, reference: `${REFERENCE}-gone` };
    const first = await a.request<{ trackingNumber: string }>(
      'POST',
      '/v1/labels',
      body,
      { 'idempotency-key': key },
      20_000,
    );
    expect(first.status).toBe(201);

    await fleet.kill(0);
    await redis.restartEmpty(200);
    await untilReady(b);
    const repeat = await b.request<{ trackingNumber?: string; missingDocument?: { reason: string } }>(
      'POST',
      '/v1/labels',
      body,
      { 'idempotency-key': key },
      30_000,
    );
    // The label that was bought, its document to be reprinted with the carrier.
    expect(repeat.status).toBe(201);
    expect(repeat.body.trackingNumber).toBe(first.body.trackingNumber);
    expect(repeat.body.missingDocument?.reason).toBe('missing');
    const { labelsByReference } = await sandbox.control.stats('fedex');
    expect(labelsByReference[body.reference]).toBe(1);
  });

  it('is not bought again when every instance alive started after it was bought: each copies the fleet answers at start', async () => {
    const key = `soak-${crypto.randomUUID()}`;
    const body = { ...LABEL, reference: `${REFERENCE}-restarted` };
    const a = await fleet.restart(0);
    const first = await a.request<{ trackingNumber: string }>(
      'POST',
      '/v1/labels',
      body,
      { 'idempotency-key': key },
      20_000,
    );
    expect(first.status).toBe(201);
    // B starts after the purchase: it never heard of it, it reads it from the store.
    const b = await fleet.restart(1);
    const copied = () => b.logs.find((line) => line.msg === 'label answers of the fleet copied');
    for (let i = 0; i < 200 && copied() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    expect(copied()?.copied).toBeGreaterThanOrEqual(1);

    await fleet.kill(0);
    await redis.restartEmpty(200);
    await untilReady(b);
    const repeat = await b.request<{ trackingNumber?: string; missingDocument?: { reason: string } }>(
      'POST',
      '/v1/labels',
      body,
      { 'idempotency-key': key },
      30_000,
    );
    expect(repeat.status).toBe(201);
    expect(repeat.body.trackingNumber).toBe(first.body.trackingNumber);
    const { labelsByReference } = await sandbox.control.stats('fedex');
    expect(labelsByReference[body.reference]).toBe(1);
  });
});
