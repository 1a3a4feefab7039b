/**
 * Many instances, one refresh: 4 gateway processes share Redis (a single server, a
 * Sentinel-managed primary; the Redis Cluster case is cluster-acceptance.test.ts); 2,000 concurrent rate requests spread across them arrive the moment the
 * carrier tokens expire. Each carrier account sees exactly one token call, and every
 * request is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as fedexSimulator } from '../../carriers/fedex/simulator/index.ts';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { RateResponse } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { clientAccount, storedToken, tokenStats } from './support/accounts.ts';
import { type Fleet, startFleet } from './support/fleet.ts';
import { startTopology, type Topology, topologies } from './support/topologies.ts';

const INSTANCES = 4;
const REQUESTS = 2_000;
/** Short enough to wait for, long enough that the warm-up ends before a proactive refresh is due. */
const WARM_LIFETIME_S = 7;
const ACCOUNTS = { ups: 'ups-sandbox', fedex: 'fedex-sandbox' } as const;

const rateRequest = (carrier: string) => ({
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [
    { weight: { value: 2, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
  ],
  carriers: [carrier],
});

let sandbox: Sandbox;
let fleet: Fleet;
let topology: Topology;

describe.runIf(hasRedis).each(topologies('single', 'sentinel'))(
  '%s: 4 instances, 2,000 concurrent requests at token expiry',
  (kind) => {
    beforeAll(async () => {
      topology = await startTopology(kind);
      sandbox = await startSandbox({ simulators: { ups: upsSimulator, fedex: fedexSimulator } });
      fleet = await startFleet({
        target: topology.target,
        size: INSTANCES,
        sandbox,
        carriers: ['ups', 'fedex'],
        accounts: [
          clientAccount(sandbox, 'ups', ACCOUNTS.ups),
          clientAccount(sandbox, 'fedex', ACCOUNTS.fedex),
        ],
        tuning: { lockTtlMs: 5_000 },
        // The burst queues on each instance's bounded pool to the simulators, which share this
        // busy process: connects may wait seconds, and that is not what this test is about.
        timeouts: { connectMs: 30_000, totalMs: 60_000 },
      });
    }, 90_000);
    afterAll(async () => {
      await fleet?.close();
      await sandbox?.close();
      await topology?.dispose();
    });

    it('makes exactly one token call per carrier account and serves every request', async () => {
      for (const carrier of ['ups', 'fedex'])
        await sandbox.control.setMode({ carrier, tokenLifetimeSeconds: WARM_LIFETIME_S });
      // Warm-up: every instance holds the short-lived tokens (fetched once, adopted by the rest).
      const warm = await Promise.all(
        fleet.instances.flatMap((instance) =>
          ['ups', 'fedex'].map((carrier) => instance.request('POST', '/v1/rates', rateRequest(carrier))),
        ),
      );
      expect(warm.map((a) => a.status)).toEqual(warm.map(() => 200));
      // New tokens live long: one refresh is all the burst should need.
      for (const carrier of ['ups', 'fedex'])
        await sandbox.control.setMode({ carrier, tokenLifetimeSeconds: 3_600 });
      const before = {
        ups: await tokenStats(sandbox, 'ups', ACCOUNTS.ups),
        fedex: await tokenStats(sandbox, 'fedex', ACCOUNTS.fedex),
      };
      const expiries = await Promise.all([
        storedToken(fleet, clientAccount(sandbox, 'ups', ACCOUNTS.ups)),
        storedToken(fleet, clientAccount(sandbox, 'fedex', ACCOUNTS.fedex)),
      ]);
      const expiresAt = Math.max(...expiries.map((t) => t?.value.expiresAt ?? 0));
      expect(expiresAt).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));

      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => {
          const instance = fleet.instances[i % INSTANCES]!;
          const carrier = i % 2 === 0 ? 'ups' : 'fedex';
          return instance
            .request<RateResponse>('POST', '/v1/rates', rateRequest(carrier))
            .then((a) => ({ carrier, ...a }));
        }),
      );
      const elapsedMs = Date.now() - started;

      const served = answers.filter(
        (a) =>
          a.status === 200 &&
          a.body.messages.length === 0 &&
          a.body.rates.some((r) => r.carrier === a.carrier),
      );
      const unserved = answers.filter((a) => !served.includes(a)).slice(0, 3);
      expect(served.length, JSON.stringify(unserved)).toBe(REQUESTS);
      const after = {
        ups: await tokenStats(sandbox, 'ups', ACCOUNTS.ups),
        fedex: await tokenStats(sandbox, 'fedex', ACCOUNTS.fedex),
      };
      expect(after.ups.calls - before.ups.calls).toBe(1);
      expect(after.fedex.calls - before.fedex.calls).toBe(1);
      // The new long-lived token is what Redis holds.
      const stored = await storedToken(fleet, clientAccount(sandbox, 'ups', ACCOUNTS.ups));
      expect(stored?.value.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
      console.info(
        `[stampede ${kind}] ${REQUESTS} requests over ${INSTANCES} instances served in ${elapsedMs} ms`,
      );
    }, 120_000);
  },
);
