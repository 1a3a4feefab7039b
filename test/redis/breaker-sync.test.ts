/**
 * Auth breakers shared across 3 gateway processes: when one instance's breaker opens on a
 * refused credential, the others open theirs without calling the carrier (and name the
 * class); after the reset timeout only one instance fleet-wide sends the half-open probe,
 * and its success closes every instance's breaker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as fedexSimulator } from '../../carriers/fedex/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { CarriersResponse } from '../../src/domain/carriers-view.ts';
import type { RateResponse } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { clientAccount, tokenStats } from './support/accounts.ts';
import { type Fleet, type Instance, startFleet } from './support/fleet.ts';
import { startTopology, type Topology, topologies } from './support/topologies.ts';

const ACCOUNT = 'fedex-sandbox';
const RESET_MS = 1_500;
const PROBE_LEASE_MS = 4_000;

let sandbox: Sandbox;
let fleet: Fleet;
let topology: Topology;

const rates = (instance: Instance) =>
  instance.request<RateResponse>('POST', '/v1/rates', {
    shipper: ADDRESSES.atlanta,
    recipient: ADDRESSES.newYork,
    parcels: [{ weight: { value: 1, unit: 'kg' } }],
    carriers: ['fedex'],
  });

async function authBreaker(instance: Instance): Promise<string | undefined> {
  const { body } = await instance.request<CarriersResponse>('GET', '/v1/carriers');
  return body.carriers.find((c) => c.id === 'fedex')?.accounts.find((a) => a.id === ACCOUNT)?.breakers.auth
    .state;
}

/** Polls until `check` holds (a bounded wait for a pub/sub message, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

const calls = async () => (await tokenStats(sandbox, 'fedex', ACCOUNT)).calls;

describe.runIf(hasRedis).each(topologies())('%s: auth breakers shared across instances', (kind) => {
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { fedex: fedexSimulator } });
    fleet = await startFleet({
      target: topology.target,
      size: 3,
      sandbox,
      carriers: ['fedex'],
      accounts: [clientAccount(sandbox, 'fedex', ACCOUNT)],
      authBreaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 3,
        rollingWindowMs: 30_000,
        resetTimeoutMs: RESET_MS,
      },
      tuning: { probeLockMs: PROBE_LEASE_MS, pollMs: 50 },
    });
  }, 90_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await topology?.dispose();
  });

  it('a refused credential is discovered once: the other instances open their breaker without a token call', async () => {
    const [first, ...others] = fleet.instances as [Instance, ...Instance[]];
    await sandbox.control.injectFault({
      carrier: 'fedex',
      account: ACCOUNT,
      target: 'token',
      kind: 'invalid_client',
    });
    for (let n = 0; n < 10 && (await authBreaker(first)) !== 'open'; n++) await rates(first);
    expect(await authBreaker(first)).toBe('open');
    const discovered = await calls();
    expect(discovered).toBeGreaterThan(0);

    for (const instance of others)
      expect(await eventually(async () => (await authBreaker(instance)) === 'open')).toBe(true);
    for (const instance of others) {
      // FedEx is the only carrier asked: the answer is 503 all-carriers-unavailable, naming why.
      const { status, body } = await rates(instance);
      expect(status).toBe(503);
      expect(body.messages).toEqual([
        expect.objectContaining({ carrier: 'fedex', class: 'misconfigured', code: 'breaker_open' }),
      ]);
    }
    expect(await calls()).toBe(discovered);
  }, 60_000);

  it('while the credential is still refused, one half-open probe per lease fleet-wide', async () => {
    const before = await calls();
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 200));
    // Every instance's reset timer has run out; everyone is asked at once, then again later.
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(fleet.instances.flatMap((i) => [rates(i), rates(i)]));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
      await new Promise((resolve) => setTimeout(resolve, RESET_MS / 2));
    }
    // Without the shared probe lock each instance would have probed (3 or more token calls).
    expect((await calls()) - before).toBe(1);
  }, 60_000);

  it('after the fix, one successful probe closes every instance and nobody else calls the carrier', async () => {
    await sandbox.control.clearFaults('fedex');
    const before = await calls();
    const allClosed = async () =>
      (await Promise.all(fleet.instances.map(authBreaker))).every((state) => state === 'closed');
    // Keep asking every instance until the probe (after the lease of the last failed one) closes them all.
    const closed = await eventually(
      async () => {
        await Promise.all(fleet.instances.map(rates));
        return allClosed();
      },
      PROBE_LEASE_MS + 10 * RESET_MS,
    );
    expect(closed).toBe(true);
    for (const instance of fleet.instances) {
      const { status, body } = await rates(instance);
      expect(status).toBe(200);
      expect(body.rates.length).toBeGreaterThan(0);
    }
    expect((await calls()) - before).toBe(1);
  }, 60_000);
});
