/**
 * Revocation is one truth for the fleet: two gateway processes on one Redis. A revoke-all on
 * instance A makes instance B drop its cached token before A answers (B's next request needs
 * a new token), and A's answer lists both instances' acknowledgements. Chaos A13: a refresh
 * that was in flight when the account was revoked never stores nor serves its token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { fingerprint } from '../../src/auth/cache-key.ts';
import { clientAccount, storedToken, tokenStats } from '../redis/support/accounts.ts';
import { type Fleet, startFleet } from '../redis/support/fleet.ts';
import { startTopology, type Topology, topologies } from '../redis/support/topologies.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';

const ACCOUNT = 'ups-sandbox';
const RATES = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
  carriers: ['ups'],
};

interface DrillAnswer {
  remaining: number;
  fleet: { instances: number; acknowledged: { instance: string; ms: number }[] };
}

let sandbox: Sandbox;
let fleet: Fleet;
/** Access tokens the simulated carrier issued, in order, and the ones it was shown on API calls. */
const issued: string[] = [];
const presented = new Set<string>();

describe.runIf(hasRedis).each(topologies())('%s: fleet-wide revocation (2 instances, one Redis)', (kind) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    // The carrier's own records, read the way a carrier's audit log would be.
    const tokens = sandbox.context('ups').tokens;
    const issue = tokens.issue.bind(tokens);
    const verify = tokens.verify.bind(tokens);
    tokens.issue = (account, options) => {
      const token = issue(account, options);
      issued.push(token.accessToken);
      return token;
    };
    tokens.verify = (accessToken) => {
      presented.add(accessToken);
      return verify(accessToken);
    };
    fleet = await startFleet({
      target: topology.target,
      size: 2,
      sandbox,
      carriers: ['ups'],
      accounts: [clientAccount(sandbox, 'ups', ACCOUNT)],
      tuning: { lockTtlMs: 5_000 },
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await topology?.dispose();
    await sandbox?.close();
  });

  const [a, b] = [() => fleet.instances[0]!, () => fleet.instances[1]!];
  const calls = async () => (await tokenStats(sandbox, 'ups', ACCOUNT)).calls;

  it('revoke-all on A: B drops its token before A answers, and the drill lists both instances', async () => {
    expect((await a().request('POST', '/v1/rates', RATES)).status).toBe(200);
    expect((await b().request('POST', '/v1/rates', RATES)).status).toBe(200);
    const before = await calls();
    expect((await b().request('POST', '/v1/rates', RATES)).status).toBe(200);
    expect(await calls()).toBe(before); // B serves its cached token

    const drill = await a().admin<DrillAnswer>('POST', '/admin/revoke-all');
    expect(drill.status).toBe(200);
    expect(drill.body.remaining).toBe(0);
    expect(drill.body.fleet.instances).toBe(2);
    expect(new Set(drill.body.fleet.acknowledged.map((x) => x.instance)).size).toBe(2);

    expect((await b().request('POST', '/v1/rates', RATES)).status).toBe(200);
    expect(await calls()).toBe(before + 1);
    // A adopts the token B fetched after the revocation: one call for the whole fleet.
    expect((await a().request('POST', '/v1/rates', RATES)).status).toBe(200);
    expect(await calls()).toBe(before + 1);
  });

  it('A13: revoked during a slow refresh, the refreshed token is never stored nor served', async () => {
    const account = clientAccount(sandbox, 'ups', ACCOUNT);
    await sandbox.control.injectFault({
      carrier: 'ups',
      target: 'token',
      kind: 'slow',
      count: 1,
      params: { delayMs: 2_000 },
    });
    const before = await calls();
    const issuedBefore = issued.length;
    // B refreshes (as a use-time 401 makes it); the carrier takes 2 s to answer.
    const refreshing = b().request<{ before: string; after: string }>('POST', '/_test/refresh', {
      carrier: 'ups',
      account: ACCOUNT,
    });
    for (let i = 0; i < 400 && (await calls()) === before; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await calls()).toBe(before + 1);

    const drill = await a().admin<DrillAnswer>('POST', '/admin/revoke-all');
    expect(drill.status).toBe(200);
    const refreshed = await refreshing;
    expect(refreshed.status).toBe(200);

    // The slow call's token (the first issued after the fault) is dropped; B serves a later one.
    const dropped = issued[issuedBefore];
    expect(dropped).toBeDefined();
    expect(issued.length).toBeGreaterThan(issuedBefore + 1);
    expect(refreshed.body.after).not.toBe(await fingerprint(dropped!));
    const stored = await storedToken(fleet, account);
    expect(stored?.value.accessToken).not.toBe(dropped);
    expect(stored?.value.accessToken).toBe(issued.at(-1));
    expect(refreshed.body.after).toBe(await fingerprint(issued.at(-1)!));

    for (const instance of [a(), b()])
      expect((await instance.request('POST', '/v1/rates', RATES)).status).toBe(200);
    expect(presented.has(dropped!)).toBe(false);
    expect(b().logs.some((l) => l.msg === 'account revoked during a refresh: its result is dropped')).toBe(
      true,
    );
  }, 30_000);
});
