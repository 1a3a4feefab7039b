/**
 * Rotating single-use refresh tokens across 4 gateway processes, on a single Redis and on a
 * Redis Cluster (see support/topologies.ts for why not sentinel). The UPS simulator rotates
 * strictly: a spent refresh token presented again counts as reuse and revokes the family).
 * - Chaos A2: 4 processes x 500 forced refreshes under rate load: zero reuse, every refresh
 *   stored in order, and Redis ends holding the newest refresh token.
 * - A token call slower than the lock's lease: the holder renews the lease, so no second
 *   refresh with the same refresh token happens, and nothing is lost. If the lease is lost
 *   anyway (chaos A7: its key vanishes, as in a Redis failover), a second refresh does happen and the
 *   late write is rejected by the version check: the late writer adopts, nothing is lost.
 * - kill -9 of the instance holding the lock mid-refresh: another instance completes once
 *   the lease runs out, every request is answered, nothing is lost.
 * - Redis contents: no plaintext token or secret anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { clientAccount, connectedAccount, storedToken, tokenStats } from './support/accounts.ts';
import { type Fleet, type Instance, startFleet } from './support/fleet.ts';
import { startTopology, type Topology, topologies } from './support/topologies.ts';

const INSTANCES = 4;
const REFRESHES_PER_INSTANCE = 500;
/**
 * The refresh lock's lease, renewed every third of it. Short, so that the lease tests run in
 * seconds, but long enough that a gateway process stalled by a loaded machine still renews it
 * in time (at 1 s a stall of 0.7 s lost it: a second refresh spent the same single-use token).
 */
const LOCK_TTL_MS = 4_000;
/** Longer than the slowest token call the lease tests make (three leases). */
const TOKEN_CALL_TIMEOUT_MS = LOCK_TTL_MS * 3 + 8_000;

let sandbox: Sandbox;
let fleet: Fleet;
let topology: Topology;
const accounts: Record<'load' | 'slow' | 'lost' | 'kill' | 'label', ResolvedAccount> = {} as never;

const refresh = (instance: Instance, account: ResolvedAccount) =>
  instance.request<{ before: string; after: string }>('POST', '/_test/refresh', {
    carrier: account.carrier,
    account: account.id,
  });
const credential = (instance: Instance, account: ResolvedAccount) =>
  instance.request<{ fingerprint: string }>('POST', '/_test/credential', {
    carrier: account.carrier,
    account: account.id,
  });

/** Proves Redis holds the newest refresh token: the simulator accepts it (a spent one would be reuse). */
function isLiveRefreshToken(refreshToken: string | undefined): boolean {
  if (refreshToken === undefined) return false;
  return sandbox.context('ups').tokens.refresh(refreshToken).ok;
}

describe.runIf(hasRedis).each(topologies('single', 'cluster'))(
  '%s: rotating refresh tokens across 4 instances',
  (kind) => {
    beforeAll(async () => {
      topology = await startTopology(kind);
      sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
      // The first UPS account is the one rates use: the load runs on the rotating account itself.
      accounts.load = connectedAccount(sandbox, 'ups', 'rot-load');
      accounts.slow = connectedAccount(sandbox, 'ups', 'rot-slow');
      accounts.lost = connectedAccount(sandbox, 'ups', 'rot-lost');
      accounts.kill = connectedAccount(sandbox, 'ups', 'rot-kill');
      accounts.label = clientAccount(sandbox, 'ups', 'ups-sandbox');
      fleet = await startFleet({
        target: topology.target,
        size: INSTANCES,
        sandbox,
        carriers: ['ups'],
        accounts: [accounts.load, accounts.slow, accounts.lost, accounts.kill, accounts.label],
        tuning: { lockTtlMs: LOCK_TTL_MS, pollMs: 100 },
        tokenCallTimeoutMs: TOKEN_CALL_TIMEOUT_MS,
      });
    }, 90_000);
    afterAll(async () => {
      await fleet?.close();
      await sandbox?.close();
      await topology?.dispose();
    });

    it('A2: 4 processes x 500 refreshes under load: zero reuse, each refresh stored, Redis holds the newest', async () => {
      const account = accounts.load;
      await Promise.all(fleet.instances.map((i) => credential(i, account)));
      const before = await tokenStats(sandbox, 'ups', account.id);
      const versionBefore = (await storedToken(fleet, account))?.version ?? 0;

      let loading = true;
      const rateAnswers: number[] = [];
      const load = fleet.instances.map(async (instance) => {
        while (loading) {
          const answer = await instance.request<RateResponse>('POST', '/v1/rates', {
            shipper: ADDRESSES.atlanta,
            recipient: ADDRESSES.newYork,
            parcels: [{ weight: { value: 1, unit: 'kg' } }],
          });
          rateAnswers.push(answer.status === 200 && answer.body.messages.length === 0 ? 200 : answer.status);
          // Steady load, not a flood: this machine is shared.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      const refreshes = await Promise.all(
        fleet.instances.map(async (instance) => {
          const statuses: number[] = [];
          for (let n = 0; n < REFRESHES_PER_INSTANCE; n += 1)
            statuses.push((await refresh(instance, account)).status);
          return statuses;
        }),
      );
      loading = false;
      await Promise.all(load);

      expect(refreshes.flat().filter((s) => s !== 200)).toEqual([]);
      expect(rateAnswers.length).toBeGreaterThan(0);
      expect(rateAnswers.filter((s) => s !== 200)).toEqual([]);
      const after = await tokenStats(sandbox, 'ups', account.id);
      const refreshed = after.refreshes - before.refreshes;
      expect(after.reuse).toBe(0);
      expect(refreshed).toBeGreaterThan(0);
      // Every refresh the carrier made was stored, in order: one version per refresh, none lost.
      const stored = await storedToken(fleet, account);
      expect((stored?.version ?? 0) - versionBefore).toBe(refreshed);
      expect(isLiveRefreshToken(stored?.value.refreshToken)).toBe(true);
      console.info(
        `[rotation ${kind}] ${INSTANCES * REFRESHES_PER_INSTANCE} refresh demands -> ${refreshed} refreshes, ${rateAnswers.length} rate requests, 0 reuse`,
      );
    }, 180_000);

    it('a token call slower than the lock lease: the lease is renewed, so no second refresh with the same token', async () => {
      const account = accounts.slow;
      const warm = await Promise.all(fleet.instances.map((i) => credential(i, account)));
      const before = await tokenStats(sandbox, 'ups', account.id);
      const versionBefore = (await storedToken(fleet, account))?.version ?? 0;
      await sandbox.control.injectFault({
        carrier: 'ups',
        account: account.id,
        target: 'token',
        endpoint: 'refresh',
        kind: 'slow',
        params: { delayMs: LOCK_TTL_MS * 3 },
        count: 1,
      });
      const answers = await Promise.all(fleet.instances.map((i) => refresh(i, account)));

      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      const fresh = new Set(answers.map((a) => a.body.after));
      expect(fresh.size).toBe(1);
      expect(fresh.has(warm[0]!.body.fingerprint)).toBe(false);
      const after = await tokenStats(sandbox, 'ups', account.id);
      expect(after.refreshes - before.refreshes).toBe(1);
      expect(after.reuse).toBe(0);
      const stored = await storedToken(fleet, account);
      expect((stored?.version ?? 0) - versionBefore).toBe(1);
      expect(isLiveRefreshToken(stored?.value.refreshToken)).toBe(true);
    }, 60_000);

    it('A7: a lease lost mid-refresh (its key vanished): the second refresh wins, the late write is rejected', async () => {
      const account = accounts.lost;
      // Lenient rotation here: both refreshes succeed at the carrier, so the store must pick one.
      await sandbox.control.setMode({
        carrier: 'ups',
        account: account.id,
        strictRotation: false,
        rotateRefreshTokens: true,
      });
      await Promise.all(fleet.instances.map((i) => credential(i, account)));
      const before = await tokenStats(sandbox, 'ups', account.id);
      const versionBefore = (await storedToken(fleet, account))?.version ?? 0;
      await sandbox.control.injectFault({
        carrier: 'ups',
        account: account.id,
        target: 'token',
        endpoint: 'refresh',
        kind: 'slow',
        params: { delayMs: LOCK_TTL_MS * 2 },
        count: 1,
      });
      const [first, second] = fleet.instances as [Instance, Instance];
      const slow = refresh(first, account);
      for (
        let i = 0;
        i < 200 && (await tokenStats(sandbox, 'ups', account.id)).refreshes === before.refreshes;
        i++
      )
        await new Promise((resolve) => setTimeout(resolve, 25));
      const locks = (await fleet.keys()).filter((k) => k.endsWith(':lock'));
      expect(locks).toHaveLength(1);
      await fleet.admin.del(locks[0]!);

      const late = await refresh(second, account); // takes the vanished lock and refreshes at once
      const early = await slow;
      expect([late.status, early.status]).toEqual([200, 200]);
      const after = await tokenStats(sandbox, 'ups', account.id);
      expect(after.refreshes - before.refreshes).toBe(2);
      // One version only: the slow instance's compare-and-set was refused and it adopted the stored token.
      const stored = await storedToken(fleet, account);
      expect((stored?.version ?? 0) - versionBefore).toBe(1);
      expect(early.body.after).toBe(late.body.after);
      expect(first.logs.some((l) => l.msg === 'refresh lock lost while refreshing')).toBe(true);
      expect(isLiveRefreshToken(stored?.value.refreshToken)).toBe(true);
    }, 60_000);

    it('kill -9 of the lock holder mid-refresh: another instance completes after the lease, nothing lost', async () => {
      const account = accounts.kill;
      const warm = await Promise.all(fleet.instances.map((i) => credential(i, account)));
      const before = await tokenStats(sandbox, 'ups', account.id);
      // The holder's refresh hangs without being processed: its refresh token stays unspent.
      await sandbox.control.injectFault({
        carrier: 'ups',
        account: account.id,
        target: 'token',
        endpoint: 'refresh',
        kind: 'hang',
        count: 1,
      });
      const holder = fleet.instances[0]!;
      const doomed = refresh(holder, account).catch(() => undefined);
      for (
        let i = 0;
        i < 200 && (await tokenStats(sandbox, 'ups', account.id)).refreshes === before.refreshes;
        i++
      )
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect((await tokenStats(sandbox, 'ups', account.id)).refreshes).toBe(before.refreshes + 1);
      await fleet.kill(0);
      await doomed;

      const killedAt = Date.now();
      const answers = await Promise.all(
        fleet.instances
          .slice(1)
          .map((i) => refresh(i, account).then((a) => ({ ...a, ms: Date.now() - killedAt }))),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const fresh = new Set(answers.map((a) => a.body.after));
      expect(fresh.size).toBe(1);
      expect(fresh.has(warm[0]!.body.fingerprint)).toBe(false);
      const after = await tokenStats(sandbox, 'ups', account.id);
      expect(after.refreshes - before.refreshes).toBe(2); // the dead holder's, then one completion
      expect(after.reuse).toBe(0);
      const stored = await storedToken(fleet, account);
      expect(isLiveRefreshToken(stored?.value.refreshToken)).toBe(true);
      console.info(
        `[kill -9] lease ${LOCK_TTL_MS} ms; the others answered ${answers.map((a) => a.ms).join(', ')} ms after the kill`,
      );
    }, 60_000);

    it('Redis holds no plaintext token or secret: tokens, locks and idempotency records alike', async () => {
      const alive = fleet.instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
      const label = await alive[0]!.request<Label>(
        'POST',
        '/v1/labels',
        {
          carrier: 'ups',
          account: accounts.label.id,
          shipper: ADDRESSES.atlanta,
          recipient: ADDRESSES.newYork,
          parcels: [{ weight: { value: 1, unit: 'kg' } }],
          serviceLevel: 'ground',
          format: 'ZPL',
          reference: 'SCAN-1',
        },
        { 'Idempotency-Key': `scan-${crypto.randomUUID()}` },
      );
      expect(label.status, JSON.stringify(label.body)).toBe(201);

      const secrets = new Set<string>([fleet.apiKey, fleet.encryptionKey.key]);
      for (const account of Object.values(accounts)) {
        for (const value of Object.values(account.secrets)) secrets.add(value);
        const stored = await storedToken(fleet, account);
        expect(stored).toBeDefined();
        secrets.add(stored!.value.accessToken);
        if (stored!.value.refreshToken) secrets.add(stored!.value.refreshToken);
      }
      const keys = await fleet.keys();
      expect(keys.some((k) => k.endsWith(':idem'))).toBe(true);
      expect(keys.filter((k) => k.endsWith(':token')).length).toBe(Object.keys(accounts).length);
      const raw = fleet.admin;
      let dump = keys.join('\n');
      for (const key of keys) {
        const type = await raw.type(key);
        dump += `\n${type === 'hash' ? JSON.stringify(await raw.hgetall(key)) : ((await raw.get(key)) ?? '')}`;
      }
      const leaked = [...secrets].filter((s) => s.length >= 8 && dump.includes(s));
      expect(leaked).toEqual([]);
      // The label itself (PDF data, tracking number) is sealed too.
      expect(dump).not.toContain(label.body.trackingNumber);
    }, 60_000);
  },
);
