/**
 * Redis Cluster at tenant scale: 4 gateway processes on a 3-primary cluster, 1,000 carrier
 * accounts whose keys spread over every primary, and 2,000 requests arriving at once when
 * every account's token has expired (each account asked twice, on two different instances).
 * Exactly one token call per account, every request served, and not one CROSSSLOT (or any
 * script) error anywhere: not in the servers' error statistics, not in a gateway log line.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { hasRedis } from '../support/redis.ts';
import { registeredClientAccount } from './support/accounts.ts';
import { type Fleet, type Instance, startFleet } from './support/fleet.ts';
import { scanAll, startTopology, type Topology } from './support/topologies.ts';

const INSTANCES = 4;
const ACCOUNTS = 1_000;
const REQUESTS = 2 * ACCOUNTS;
const WARM_LIFETIME_S = 5;

let topology: Topology;
let sandbox: Sandbox;
let fleet: Fleet;
const accounts: ResolvedAccount[] = [];

const credential = (instance: Instance, account: ResolvedAccount) =>
  instance.request<{ fingerprint: string; expiresAt: number }>('POST', '/_test/credential', {
    carrier: account.carrier,
    account: account.id,
  });

/** Runs `task` over `items`, `width` at a time (a warm-up, not a burst). */
async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T, i: number) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map((item, j) => task(item, i + j)))));
  return out;
}

/**
 * What the primaries refused, summed: errors by kind (INFO errorstats: CROSSSLOT counts
 * there) and, per command, calls that failed or were rejected (INFO commandstats: a script
 * error is a failed EVAL). CLIENT is left out: Redis 7.0 answers ioredis's CLIENT SETINFO
 * (sent by the test's own admin client) with an error.
 */
async function refusals(cluster: Cluster): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  const add = (name: string, n: number) => {
    if (n > 0) totals[name] = (totals[name] ?? 0) + n;
  };
  for (const node of cluster.nodes('master')) {
    // MOVED and ASK are redirections a cluster client follows, not refusals.
    for (const m of (await node.info('errorstats')).matchAll(/errorstat_(\w+):count=(\d+)/g))
      if (!['ERR', 'MOVED', 'ASK'].includes(m[1]!)) add(`error ${m[1]}`, Number(m[2]));
    for (const m of (await node.info('commandstats')).matchAll(
      /cmdstat_([\w|]+):.*rejected_calls=(\d+),failed_calls=(\d+)/g,
    ))
      if (!m[1]!.startsWith('client')) add(`command ${m[1]}`, Number(m[2]) + Number(m[3]));
  }
  return totals;
}

describe.runIf(hasRedis)('Redis Cluster: 4 instances, 1,000 accounts, 2,000 requests at token expiry', () => {
  beforeAll(async () => {
    topology = await startTopology('cluster', { own: true });
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(registeredClientAccount(sandbox, 'ups', `tenant-${i}`));
    fleet = await startFleet({
      target: topology.target,
      size: INSTANCES,
      sandbox,
      carriers: ['ups'],
      accounts,
      tokenCallTimeoutMs: 30_000,
      // A thousand refreshes queue at one simulator on a busy machine: generous leases and
      // connects, since what is asserted is the count of token calls, not their speed.
      tuning: { lockTtlMs: 20_000, pollMs: 250 },
      timeouts: { connectMs: 30_000, totalMs: 60_000, tokenMs: 30_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await topology?.dispose();
  });

  it('exactly one token call per account, every request served, no CROSSSLOT anywhere', async () => {
    const cluster = topology.admin as Cluster;
    const refusedBefore = await refusals(cluster);
    await sandbox.control.setMode({ carrier: 'ups', tokenLifetimeSeconds: WARM_LIFETIME_S });
    const warm = await inBatches(accounts, 50, (account, i) =>
      credential(fleet.instances[i % INSTANCES]!, account),
    );
    expect(warm.filter((a) => a.status !== 200)).toEqual([]);
    await sandbox.control.setMode({ carrier: 'ups', tokenLifetimeSeconds: 3_600 });

    // The accounts' keys spread over every primary and hundreds of slots.
    const perPrimary = await Promise.all(
      cluster.nodes('master').map(async (node) => (await scanAll(node, `${fleet.namespace}:*:token`)).length),
    );
    expect(perPrimary).toHaveLength(3);
    expect(perPrimary.every((n) => n > ACCOUNTS / 10)).toBe(true);
    expect(perPrimary.reduce((a, b) => a + b, 0)).toBe(ACCOUNTS);
    const tokenKeys = (await fleet.keys()).filter((k) => k.endsWith(':token'));
    const slots = new Set(await Promise.all(tokenKeys.map((k) => cluster.cluster('KEYSLOT', k))));
    expect(slots.size).toBeGreaterThan(ACCOUNTS * 0.9);

    const before = (await sandbox.control.stats('ups')).tokenCalls;
    const expiresAt = Math.max(...warm.map((a) => a.body.expiresAt));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));

    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) => {
        const account = accounts[i % ACCOUNTS]!;
        // Each account's second request goes to another instance than its first.
        const instance = fleet.instances[(i + Math.floor(i / ACCOUNTS)) % INSTANCES]!;
        return credential(instance, account);
      }),
    );
    const elapsedMs = Date.now() - started;

    expect(answers.filter((a) => a.status !== 200).slice(0, 3)).toEqual([]);
    const after = (await sandbox.control.stats('ups')).tokenCalls;
    const calls = accounts.map((a) => (after[a.id] ?? 0) - (before[a.id] ?? 0));
    expect(calls.filter((n) => n !== 1)).toEqual([]);
    // Both requests of an account got the one new token.
    for (let i = 0; i < ACCOUNTS; i++)
      expect(answers[i]!.body.fingerprint).toBe(answers[i + ACCOUNTS]!.body.fingerprint);

    expect(await refusals(cluster)).toEqual(refusedBefore);
    for (const instance of fleet.instances) {
      const lines = JSON.stringify(instance.logs);
      expect(lines).not.toContain('CROSSSLOT');
      expect(lines).not.toContain('non local key');
    }
    console.info(
      `[cluster] ${REQUESTS} requests at expiry over ${INSTANCES} instances, ${ACCOUNTS} accounts on primaries holding ${perPrimary.join('/')} of them: served in ${elapsedMs} ms, 1 token call each`,
    );
  }, 240_000);
});
