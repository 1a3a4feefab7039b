/**
 * Token-endpoint budgets are counted once for the fleet: four gateway processes on one Redis,
 * an account allowed 6 token calls an hour, and 40 forced refreshes spread over the four
 * instances. The carrier's token endpoint sees at most 6 calls, whichever instance asks; the
 * other attempts are refused by the gateway itself, classified `throttled`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as uspsSimulator } from '../../carriers/usps/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { clientAccount, tokenStats } from '../redis/support/accounts.ts';
import { type Fleet, startFleet } from '../redis/support/fleet.ts';
import { startTopology, type Topology, topologies } from '../redis/support/topologies.ts';
import { hasRedis } from '../support/redis.ts';

const ACCOUNT = 'default';
const QUOTA = 6;
const ATTEMPTS = 40;

let sandbox: Sandbox;
let fleet: Fleet;

describe.runIf(hasRedis).each(topologies())('%s: a token-call quota shared by 4 instances', (kind) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { usps: uspsSimulator } });
    fleet = await startFleet({
      target: topology.target,
      size: 4,
      sandbox,
      carriers: ['usps'],
      accounts: [{ ...clientAccount(sandbox, 'usps', ACCOUNT), tokenCallsPerHour: QUOTA }],
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await topology?.dispose();
    await sandbox?.close();
  });

  it(`the carrier sees at most ${QUOTA} token calls for ${ATTEMPTS} forced refreshes across the fleet`, async () => {
    const answers: { status: number; body: unknown }[] = [];
    // In waves of one request per instance: every instance keeps asking for a new token.
    for (let i = 0; i < ATTEMPTS; i += fleet.instances.length) {
      answers.push(
        ...(await Promise.all(
          fleet.instances.map((instance) =>
            instance.request('POST', '/_test/refresh', { carrier: 'usps', account: ACCOUNT }),
          ),
        )),
      );
    }
    const { calls } = await tokenStats(sandbox, 'usps', ACCOUNT);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(QUOTA);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const { body } of refused) expect(JSON.stringify(body)).toMatch(/throttled/);
  }, 60_000);
});
