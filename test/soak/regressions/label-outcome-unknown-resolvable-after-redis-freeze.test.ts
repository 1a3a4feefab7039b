/**
 * Soak invariant `label-outcome-unknown-resolvable`, broken by the chaos action "Redis frozen"
 * (issue 20; `npm run soak -- --minutes 3 --rate 60 --seed 7`: key soak-79yyi-995, first sent at
 * 78 s while Redis was frozen, answered `label-outcome-unknown`; its replay after the run got
 * `409 idempotency-in-progress`).
 *
 * A label request claims its key with `SET NX` (a pending record with a 120 s lease). With Redis
 * frozen (`SIGSTOP`) the claim times out on the client, and the instance buys the label in its
 * degraded local mode. But the claim is already in Redis's socket buffer: Redis executes it when
 * it resumes, so a pending record nobody will ever complete sits there for the whole lease. Every
 * repeat of the key on another instance then waits and gets `409 idempotency-in-progress`, and
 * once the lease runs out a repeat buys again, although the first request may have bought. The
 * fix: labels fail closed when idempotency cannot be shared (nothing is bought while Redis does
 * not answer), and an unanswered claim is released (sent at once, on the same connection, and
 * again until Redis answers).
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

const LABEL = {
  carrier: 'fedex',
  serviceLevel: 'ground',
  format: 'PDF',
  reference: 'soak-frozen-claim',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
};

describe.runIf(hasRedis)('a label key first sent while Redis was frozen', () => {
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
      // A repeat waits 3 s for a key in progress (20 s by default): the outcome is the same.
      tuning: { commandTimeoutMs: 1_000, idempotencyWaitMs: 3_000 },
    });
  }, 60_000);
  afterAll(async () => {
    redis?.thaw();
    await fleet?.close();
    await sandbox?.close();
    await redis?.dispose();
  });

  it('is answered on another instance once Redis is back, not left in progress', async () => {
    const [a, b] = fleet.instances as [Instance, Instance];
    const key = `soak-${crypto.randomUUID()}`;
    redis.freeze();
    try {
      await a.request('POST', '/v1/labels', LABEL, { 'idempotency-key': key }, 20_000);
    } finally {
      redis.thaw();
    }
    await untilReady(a);
    await untilReady(b);

    const repeat = await b.request<{ type?: string }>(
      'POST',
      '/v1/labels',
      LABEL,
      { 'idempotency-key': key },
      30_000,
    );
    expect(repeat.body.type).not.toBe('/problems/idempotency-in-progress');
  });
});
