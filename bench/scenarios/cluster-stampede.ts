/**
 * Scenario 4: a cluster stampede. 4 gateway instances (Node processes), 10,000 callers in
 * all at the moment the token expires, sharing Redis (token store + refresh coordination, as
 * the composition root wires it): one Redis server, and a Redis Cluster of 3 primaries that
 * the scenario starts on loopback; against the same 4 instances each with its own memory
 * store. The token really expires (the simulator issues 2-second tokens); the instances fire
 * at the same wall-clock instant, just past expiry. The simulator counts the token calls.
 */
import { createControlClient } from '../../sandbox/control-client.ts';
import type { SimAccount } from '../../sandbox/kit/types.ts';
import { startCluster, type TestCluster } from '../../test/redis/support/cluster.ts';
import { type Child, forkChild } from '../lib/child.ts';
import { GENERIC_ID } from '../lib/generic-account.ts';
import { REDIS_URL, redisAnswers } from '../lib/redis.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { alternate } from '../lib/rounds.ts';
import { startSimulator } from '../lib/stack.ts';
import { fmt, fmtInt, median } from '../lib/stats.ts';
import type { BurstResult } from '../processes/cluster-worker.ts';

const INSTANCES = 4;
const CALLERS = 10_000;
const LIFETIME_S = 2;
const VARIANTS = ['shared Redis', 'Redis Cluster (3 primaries)', 'no Redis (memory store each)'] as const;
type Variant = (typeof VARIANTS)[number];

interface Round {
  tokenCalls: number;
  warmupTokenCalls: number;
  allServedMs: number;
  failed: number;
  distinctTokens: number;
}

const randomKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');

export const clusterStampede: Scenario = {
  id: 'cluster-stampede',
  title: `Cluster stampede: ${INSTANCES} instances, ${CALLERS.toLocaleString('en-US')} callers at expiry`,
  async run(ctx): Promise<ScenarioResult> {
    if (!(await redisAnswers())) {
      return {
        id: 'cluster-stampede',
        summary: [
          {
            scenario: this.title,
            against: 'the same without Redis',
            measured: `not measured: no Redis at ${REDIS_URL}`,
            goal: 'exactly 1 token call cluster-wide',
            status: 'not measured',
          },
        ],
        details: [],
        notes: [],
        data: { redis: false },
      };
    }
    const rounds = ctx.quick ? 1 : 3;
    const simulator = await startSimulator({ genericOAuth: true });
    const control = createControlClient(`${simulator.ready.url}/_control`);
    const simAccount = simulator.ready.accounts[GENERIC_ID]?.find((a) => a.id === 'default');
    if (!simAccount) throw new Error('no default account');
    let cluster: TestCluster | undefined;
    try {
      cluster = await startCluster();
      ctx.log(`cluster stampede: ${rounds} round(s) x ${VARIANTS.length} variants`);
      const results = await alternate(VARIANTS, rounds, (v) => measure(v, simulator.ready.url, simAccount));
      return report(rounds, results);
    } finally {
      await cluster?.dispose();
      await simulator.stop();
    }

    async function measure(variant: Variant, simulatorUrl: string, account: SimAccount): Promise<Round> {
      await control.reset(GENERIC_ID);
      await control.setMode({ carrier: GENERIC_ID, account: account.id, tokenLifetimeSeconds: LIFETIME_S });
      const url = variant === 'shared Redis' ? REDIS_URL : `redis://${cluster?.nodes.join(',')}`;
      const redis = variant.startsWith('no Redis')
        ? undefined
        : { url, namespace: `cgbench-${crypto.randomUUID().slice(0, 8)}`, key: randomKey() };
      const workers: Child<{ pid: number }>[] = [];
      try {
        for (let i = 0; i < INSTANCES; i++) {
          workers.push(
            await forkChild(new URL('../processes/cluster-worker.ts', import.meta.url), {
              settings: { simulatorUrl, simAccount: account, ...(redis ? { redis } : {}) },
            }),
          );
        }
        // The first instance obtains the token; the others adopt it from Redis (or fetch their own).
        const warm: { expiresAt: number }[] = [await workers[0]!.call('warm')];
        warm.push(...(await Promise.all(workers.slice(1).map((w) => w.call<{ expiresAt: number }>('warm')))));
        const before = (await control.stats(GENERIC_ID)).tokenCalls[account.id] ?? 0;
        const at = Math.max(...warm.map((w) => w.expiresAt)) + 50;
        const bursts = await Promise.all(
          workers.map((w) => w.call<BurstResult>('burst', { at, callers: CALLERS / INSTANCES })),
        );
        const after = (await control.stats(GENERIC_ID)).tokenCalls[account.id] ?? 0;
        if (redis) await workers[0]!.call('clear');
        return {
          tokenCalls: after - before,
          warmupTokenCalls: before,
          allServedMs: Math.max(...bursts.map((b) => b.servedAt)) - at,
          failed: bursts.reduce((sum, b) => sum + b.failed, 0),
          distinctTokens: new Set(bursts.flatMap((b) => b.fingerprints)).size,
        };
      } finally {
        await Promise.allSettled(workers.map((w) => w.stop()));
      }
    }
  },
};

function report(rounds: number, r: Record<Variant, Round[]>): ScenarioResult {
  const med = (v: Variant, pick: (x: Round) => number) => median(r[v].map(pick));
  const row = (variant: Variant, scenario: string) => ({
    scenario,
    against: 'the same without Redis',
    measured: `${r[variant].map((x) => x.tokenCalls).join(', ')} token call(s) cluster-wide per round, all served in ${fmt(med(variant, (x) => x.allServedMs))} ms; without Redis: ${fmtInt(med('no Redis (memory store each)', (x) => x.tokenCalls))} calls`,
    goal: 'exactly 1 token call cluster-wide',
    status: goalStatus(r[variant].every((x) => x.tokenCalls === 1 && x.failed === 0)),
  });
  const callers = CALLERS.toLocaleString('en-US');
  return {
    id: 'cluster-stampede',
    summary: [
      row(
        'shared Redis',
        `Cluster stampede: ${INSTANCES} Node processes sharing Redis, ${callers} requests at expiry`,
      ),
      row(
        'Redis Cluster (3 primaries)',
        `Cluster stampede on a Redis Cluster (3 primaries): ${INSTANCES} Node processes, ${callers} requests at expiry`,
      ),
    ],
    details: [
      {
        title: `Cluster stampede: ${INSTANCES} instances x ${fmtInt(CALLERS / INSTANCES)} callers at expiry (${rounds} round(s), medians)`,
        headers: [
          'variant',
          'token calls at expiry (each round)',
          'token calls to warm up',
          'all served, ms after expiry',
          'failed callers',
          'distinct tokens',
        ],
        rows: (Object.keys(r) as Variant[]).map((v) => [
          v,
          r[v].map((x) => x.tokenCalls).join(', '),
          fmtInt(med(v, (x) => x.warmupTokenCalls)),
          fmt(med(v, (x) => x.allServedMs)),
          fmtInt(med(v, (x) => x.failed)),
          fmtInt(med(v, (x) => x.distinctTokens)),
        ]),
      },
    ],
    notes: [
      `Cluster stampede: each instance is a Node process with a broker wired like the composition root (openSharedState: Redis token store with AES-GCM sealing, refresh lock and pub/sub wake-up), firing ${fmtInt(CALLERS / INSTANCES)} concurrent credential() calls at the same wall-clock instant, 50 ms after the ${LIFETIME_S}-second token expired. The Redis Cluster variant runs on 3 primaries (no replicas) started on loopback for the run; the instances reach it through its seed list (a URL with three hosts).`,
    ],
    data: { rounds, results: r },
  };
}
