/**
 * The connect flow behind a load balancer: the PKCE state and verifier live in the shared
 * store. Authorize on A, the carrier's redirect lands on B: the account is connected and
 * serves on both; the same callback replayed on a third instance is refused (single use).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { connectedAccount, storedToken, tokenStats } from '../redis/support/accounts.ts';
import { type Fleet, startFleet } from '../redis/support/fleet.ts';
import { startTopology, type Topology, topologies } from '../redis/support/topologies.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';

const ACCOUNT = 'ups-connect-fleet';
const RATES = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
  carriers: ['ups'],
};

let sandbox: Sandbox;
let fleet: Fleet;
let account: ResolvedAccount;

describe.runIf(hasRedis).each(topologies())('%s: the connect flow across 3 instances', (kind) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    const seeded = connectedAccount(sandbox, 'ups', ACCOUNT);
    // Not connected yet: no refresh token until the operator goes through the flow.
    const { refreshToken: _seed, ...secrets } = seeded.secrets;
    account = { ...seeded, secrets };
    fleet = await startFleet({
      target: topology.target,
      size: 3,
      sandbox,
      carriers: ['ups'],
      accounts: [account],
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await topology?.dispose();
    await sandbox?.close();
  });

  it('authorize on A, callback on B: connected and serving on both; a replay on C is refused', async () => {
    const [a, b, c] = fleet.instances as [
      (typeof fleet.instances)[0],
      (typeof fleet.instances)[0],
      (typeof fleet.instances)[0],
    ];
    const authorize = await fetch(`${a.url}/v1/connect/ups/${ACCOUNT}/authorize`, {
      headers: { authorization: `Bearer ${fleet.apiKey}` },
      redirect: 'manual',
    });
    expect(authorize.status).toBe(302);
    // The simulated carrier's login consents at once and sends the browser back.
    const login = await fetch(authorize.headers.get('location') ?? '', { redirect: 'manual' });
    expect(login.status).toBe(302);
    const back = new URL(login.headers.get('location') ?? '');
    expect(back.pathname).toBe(`/v1/connect/ups/${ACCOUNT}/callback`);

    const callback = await fetch(`${b.url}${back.pathname}${back.search}`);
    expect(callback.status).toBe(200);
    expect(await callback.json()).toMatchObject({
      connected: true,
      carrier: 'ups',
      account: ACCOUNT,
      refreshToken: true,
    });
    const stored = await storedToken(fleet, account);
    expect(stored?.value.refreshToken).toEqual(expect.any(String));

    const before = (await tokenStats(sandbox, 'ups', ACCOUNT)).calls;
    for (const instance of [a, b]) {
      const rates = await instance.request<{ rates: { carrier: string }[]; messages: unknown[] }>(
        'POST',
        '/v1/rates',
        RATES,
      );
      expect(rates.status).toBe(200);
      expect(rates.body.messages).toEqual([]);
      expect(rates.body.rates.some((r) => r.carrier === 'ups')).toBe(true);
    }
    // Both used the token the connect flow stored: no token call.
    expect((await tokenStats(sandbox, 'ups', ACCOUNT)).calls).toBe(before);

    const replay = await fetch(`${c.url}${back.pathname}${back.search}`);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ type: '/problems/connect-state-invalid' });
  });
});
