/**
 * Sentinel failover under steady traffic: two gateway processes on a primary + replica +
 * 3 sentinels, a strict single-use rotating account (a spent refresh token presented again
 * revokes the family) refreshed every few seconds, rate requests on both instances and label
 * requests each sent to one instance then retried on the other with the same key. The
 * primary is killed with `kill -9`.
 * - Traffic continues on the promoted replica within 10 s: both instances report the new
 *   primary and one failover, a token refresh and a label go through it.
 * - 0 refresh-token reuse, no label bought twice, and the account never needs re-connecting
 *   (a forced refresh on each instance works afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import type { Label, RateResponse } from '../../src/domain/shipment.ts';
import { createRedisConnection } from '../../src/store/redis-connection.ts';
import { observeTopology } from '../../src/store/redis-status.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { installTestTelemetry } from '../telemetry/support/otel.ts';
import { connectedAccount, tokenStats } from './support/accounts.ts';
import { type Fleet, type Instance, sharedStoreWhenReady, startFleet } from './support/fleet.ts';
import { type RedisProcess, redisCli } from './support/servers.ts';
import { startTopology, type Topology } from './support/topologies.ts';

const ACCOUNT = 'rot-failover';
const TOKEN_LIFETIME_S = 4;
const RECOVERY_LIMIT_MS = 10_000;

let topology: Topology;
let sandbox: Sandbox;
let fleet: Fleet;
let account: ResolvedAccount;

interface LabelPair {
  reference: string;
  /** When its first request was sent, and when its second was answered. */
  at: number;
  doneAt: number;
  statuses: number[];
}

const rates = (instance: Instance) =>
  instance.request<RateResponse>(
    'POST',
    '/v1/rates',
    {
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
      carriers: ['ups'],
    },
    {},
    20_000,
  );

const label = (instance: Instance, reference: string, key: string) =>
  instance.request<Label>(
    'POST',
    '/v1/labels',
    {
      carrier: 'ups',
      account: ACCOUNT,
      shipper: ADDRESSES.atlanta,
      recipient: ADDRESSES.newYork,
      parcels: [{ weight: { value: 1, unit: 'kg' } }],
      serviceLevel: 'ground',
      format: 'ZPL',
      failover: 'never',
      reference,
    },
    { 'Idempotency-Key': key },
    30_000,
  );

const telemetry = installTestTelemetry();

describe.runIf(hasRedis)('Sentinel: the primary killed under steady traffic', () => {
  beforeAll(async () => {
    topology = await startTopology('sentinel', { own: true });
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    account = connectedAccount(sandbox, 'ups', ACCOUNT);
    fleet = await startFleet({
      target: topology.target,
      size: 2,
      sandbox,
      carriers: ['ups'],
      accounts: [account],
      tokenCallTimeoutMs: 5_000,
      // Failures while the primary is away count for the breaker: it must not stay open long.
      authBreaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingWindowMs: 10_000,
        resetTimeoutMs: 1_000,
      },
      tuning: { lockTtlMs: 3_000, pollMs: 100, commandTimeoutMs: 1_000 },
    });
  }, 90_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await topology?.dispose();
  });

  /** What the run saw, for the two verdicts below. */
  const run = { killedAt: 0, recoveredAt: 0, storeBackAt: 0, to: '', pairs: [] as LabelPair[] };
  const twice = async () => {
    const bought = (await sandbox.control.stats('ups')).labelsByReference;
    return run.pairs.filter((p) => (bought[p.reference] ?? 0) > 1);
  };

  it('traffic continues on the promoted replica within 10 s: 0 refresh-token reuse, no re-connect', async () => {
    const [a, b] = fleet.instances as [Instance, Instance];
    await sandbox.control.setMode({
      carrier: 'ups',
      account: ACCOUNT,
      tokenLifetimeSeconds: TOKEN_LIFETIME_S,
    });
    let running = true;
    const rateOutcomes: { at: number; served: boolean }[] = [];
    const { pairs } = run;
    const rateLoops = fleet.instances.map(async (instance) => {
      while (running) {
        const answer = await rates(instance).catch(() => undefined);
        const served = answer?.status === 200 && answer.body.rates.some((r) => r.carrier === 'ups');
        rateOutcomes.push({ at: Date.now(), served });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const labelLoop = (async () => {
      for (let n = 0; running; n++) {
        const pair: LabelPair = { reference: `FO-${n}`, at: Date.now(), doneAt: 0, statuses: [] };
        const key = `failover-${n}-${crypto.randomUUID()}`;
        for (const instance of [n % 2 ? b : a, n % 2 ? a : b])
          pair.statuses.push(
            (await label(instance, pair.reference, key).catch(() => undefined))?.status ?? 0,
          );
        pair.doneAt = Date.now();
        pairs.push(pair);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    // Steady state first: refreshes are happening.
    const refreshesAtStart = (await tokenStats(sandbox, 'ups', ACCOUNT)).refreshes;
    for (
      let i = 0;
      i < 200 && (await tokenStats(sandbox, 'ups', ACCOUNT)).refreshes < refreshesAtStart + 2;
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));

    // This process watches too: the gauges an operator scrapes (read once before the kill).
    const watcher = await createRedisConnection(topology.target);
    const stopObserving = observeTopology(watcher);
    await telemetry.points();
    run.killedAt = Date.now();
    const { from, to } = await topology.sentinels!.killPrimary();
    run.to = to;
    const refreshesAtKill = (await tokenStats(sandbox, 'ups', ACCOUNT)).refreshes;
    // Recovered: the first label pair sent after both instances were back on the store (their
    // `shared_store.recovered` lines) and bought through it; read from the events' own times.
    const backAt = (instance: Instance) => {
      const back = instance.logs.find(
        (l) => l.event === 'shared_store.recovered' && Date.parse(String(l.time)) > run.killedAt,
      );
      return back ? Date.parse(String(back.time)) : Number.POSITIVE_INFINITY;
    };
    const firstLabelAfter = (at: number) =>
      pairs.find((p) => p.at >= at && p.statuses.every((status) => status === 201))?.doneAt ?? 0;
    for (let i = 0; i < 300 && firstLabelAfter(Math.max(...fleet.instances.map(backAt))) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    run.storeBackAt = Math.max(...fleet.instances.map(backAt));
    run.recoveredAt = firstLabelAfter(run.storeBackAt);
    // More traffic on the new primary: refreshes through it (tokens live 4 s), more labels.
    for (
      let i = 0;
      i < 300 && (await tokenStats(sandbox, 'ups', ACCOUNT)).refreshes < refreshesAtKill + 2;
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    running = false;
    await Promise.all([...rateLoops, labelLoop]);

    expect(
      run.recoveredAt,
      `never recovered: back at ${run.storeBackAt - run.killedAt} ms; last labels ${JSON.stringify(pairs.slice(-3))}`,
    ).toBeGreaterThan(0);
    expect(run.recoveredAt - run.killedAt).toBeLessThan(RECOVERY_LIMIT_MS);
    const stats = await tokenStats(sandbox, 'ups', ACCOUNT);
    expect(stats.reuse).toBe(0);
    expect(stats.refreshes).toBeGreaterThan(refreshesAtKill + 1);
    // Rates went on after the recovery, every one served.
    expect(rateOutcomes.filter((o) => o.at > run.recoveredAt + 1_000 && !o.served)).toEqual([]);
    // No re-connect needed: a forced refresh on each instance works with what the store holds.
    for (const instance of fleet.instances) {
      const forced = await instance.request('POST', '/_test/refresh', { carrier: 'ups', account: ACCOUNT });
      expect(forced.status).toBe(200);
      expect((await sharedStoreWhenReady(instance)).detail).toBe(
        `redis sentinel (master gw): primary ${to}; failovers seen: 1`,
      );
      expect(instance.logs.filter((l) => l.event === 'shared_store.primary_changed')).toHaveLength(1);
    }
    expect((await tokenStats(sandbox, 'ups', ACCOUNT)).reuse).toBe(0);
    const points = await telemetry.points();
    stopObserving();
    await watcher.close();
    expect(points.filter((p) => p.name === 'gateway.store.failovers')).toEqual([
      { name: 'gateway.store.failovers', attributes: { 'gateway.store.topology': 'sentinel' }, value: 1 },
    ]);
    // The new primary is 1, the one it replaced 0.
    const primary = (address: string, value: number) => {
      const [host, port] = address.split(':');
      const attributes = {
        'gateway.store.topology': 'sentinel',
        'server.address': host,
        'server.port': Number(port),
      };
      return { name: 'gateway.store.primary', attributes, value };
    };
    const primaries = points.filter((p) => p.name === 'gateway.store.primary');
    expect(primaries).toEqual(expect.arrayContaining([primary(to, 1), primary(from, 0)]));
    expect(primaries).toHaveLength(2);

    // Labels through the new primary are bought once; any label bought twice was bought while
    // the store was unreachable (each instance in its logged degraded mode), none after.
    expect(run.storeBackAt).toBeLessThan(run.recoveredAt);
    const doubles = await twice();
    expect(doubles.filter((p) => p.doneAt < run.killedAt || p.at > run.storeBackAt)).toEqual([]);
    console.info(
      `[sentinel] kill -9 of the primary: recovered on ${to} in ${run.recoveredAt - run.killedAt} ms (store back after ${run.storeBackAt - run.killedAt} ms); ${stats.refreshes} refreshes, 0 reuse; ${pairs.length} label pairs, ${doubles.length} bought twice, all while the store was unreachable`,
    );
  }, 180_000);

  // While the shared store is unreachable a label is answered 503 idempotency-unavailable and
  // nothing is bought, so no label is bought twice at all (not even while the store was away).
  it('no label bought twice across the failover (labels fail closed while the store is away)', async () => {
    expect(run.pairs.length).toBeGreaterThan(0);
    expect((await twice()).map((p) => p.reference)).toEqual([]);
  });
});

/**
 * The case compare-and-set alone cannot save: the replica stops receiving writes (SIGSTOP,
 * and the primary drops its replication link), one instance refreshes the rotating token (the new refresh token reaches the primary
 * only), the primary dies, and the sentinels promote the replica, which holds the spent
 * refresh token. The instance that holds the newest token writes it back before anyone
 * refreshes (the store-loss protocol, run on the change of primary), so the next refresh uses
 * the newest refresh token, never the spent one.
 */
describe.runIf(hasRedis)('Sentinel: failover to a replica that missed the newest refresh token', () => {
  const LAGGING = 'rot-lagging';
  let lagTopology: Topology;
  let lagSandbox: Sandbox;
  let lagFleet: Fleet;

  beforeAll(async () => {
    lagTopology = await startTopology('sentinel', { own: true });
    lagSandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    lagFleet = await startFleet({
      target: lagTopology.target,
      size: 2,
      sandbox: lagSandbox,
      carriers: ['ups'],
      accounts: [connectedAccount(lagSandbox, 'ups', LAGGING)],
      tokenCallTimeoutMs: 5_000,
      tuning: { lockTtlMs: 3_000, pollMs: 100, commandTimeoutMs: 1_000 },
    });
  }, 90_000);
  afterAll(async () => {
    await lagFleet?.close();
    await lagSandbox?.close();
    await lagTopology?.dispose();
  });

  const lag = { status: 0, reuse: -1 };

  it('the instances see the change of primary to the lagging replica and report it', async () => {
    const [a, b] = lagFleet.instances as [Instance, Instance];
    const ref = { carrier: 'ups', account: LAGGING };
    await lagSandbox.control.setMode({ carrier: 'ups', account: LAGGING, tokenLifetimeSeconds: 6 });
    for (const instance of [a, b])
      expect((await instance.request('POST', '/_test/credential', ref)).status).toBe(200);
    const [primary, replica] = lagTopology.sentinels!.data as [RedisProcess, RedisProcess];
    // The replica stops, and the primary drops its replication link (what was sent before stays
    // in the replica's socket buffer; nothing after it will arrive).
    await replica.signal('SIGSTOP');
    await redisCli(['-p', String(primary.port), 'client', 'kill', 'type', 'replica']);
    // A refreshes: the new refresh token reaches the primary, not the stopped replica.
    expect((await a.request('POST', '/_test/refresh', ref)).status).toBe(200);
    const from = await lagTopology.sentinels!.primary();
    await primary.signal('SIGKILL');
    await replica.signal('SIGCONT');
    for (let i = 0; i < 300 && (await lagTopology.sentinels!.primary()) === from; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const to = await lagTopology.sentinels!.primary();
    expect(to).not.toBe(from);
    for (const instance of [a, b]) {
      let check = await sharedStoreWhenReady(instance);
      for (let i = 0; i < 300 && !check.detail?.includes(`primary ${to};`); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        check = await sharedStoreWhenReady(instance);
      }
      expect(check).toEqual({
        ok: true,
        detail: `redis sentinel (master gw): primary ${to}; failovers seen: 1`,
      });
      expect(instance.logs.filter((l) => l.event === 'shared_store.primary_changed')).toHaveLength(1);
    }
    // Every token has expired: B refreshes with whatever the store holds now.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    lag.status = (await b.request('POST', '/_test/credential', ref)).status;
    lag.reuse = (await tokenStats(lagSandbox, 'ups', LAGGING)).reuse;
    console.info(
      `[sentinel lagging replica] next credential ${lag.status}, refresh-token reuse ${lag.reuse}`,
    );
  }, 120_000);

  it('no refresh-token reuse after it (instances write back the newest token they hold)', () => {
    expect(lag.reuse).toBe(0);
    expect(lag.status).toBe(200);
  });
});
