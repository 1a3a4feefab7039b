/**
 * Scenario 3: a stampede. 10,000 concurrent credential() calls at the moment the cached
 * token expires, in-process against the generic OAuth simulator (its own process), with the
 * real broker and with the naive broker, alternating. The clock is injected and jumped past
 * the token's expiry, so every caller sees the token expired at the same instant. Token
 * calls are counted by the simulator, not by the code under test.
 */

import { createControlClient } from '../../sandbox/control-client.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createNodeUpstreamFetch } from '../../src/runtime/node/upstream-fetch.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { createNaiveBroker } from '../baselines/naive-broker.ts';
import { GENERIC_ID, genericAccount, genericProfile } from '../lib/generic-account.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { alternate } from '../lib/rounds.ts';
import type { SimulatorReady } from '../lib/stack.ts';
import { startSimulator } from '../lib/stack.ts';
import { fmt, fmtInt, median } from '../lib/stats.ts';

const CALLERS = 10_000;
const VARIANTS = ['broker', 'naive broker'] as const;
type Variant = (typeof VARIANTS)[number];

interface Round {
  tokenCalls: number;
  maxConcurrentTokenCalls: number;
  allServedMs: number;
  failed: number;
  distinctTokens: number;
  /** The carrier accepts the token the callers got. */
  tokenWorks: boolean;
}

export function defaultSimAccount(simulator: SimulatorReady): ResolvedAccount {
  const sim = simulator.accounts[GENERIC_ID]?.find((a) => a.id === 'default');
  if (!sim) throw new Error('the generic OAuth simulator has no default account');
  return genericAccount(simulator.url, sim);
}

export const stampede: Scenario = {
  id: 'stampede',
  title: `Stampede: ${CALLERS.toLocaleString('en-US')} concurrent callers at token expiry`,
  async run(ctx): Promise<ScenarioResult> {
    const rounds = ctx.quick ? 1 : 5;
    const simulator = await startSimulator({ genericOAuth: true });
    const control = createControlClient(`${simulator.ready.url}/_control`);
    // The gateway's own upstream transport (undici, keep-alive), for both brokers.
    const transport = createNodeUpstreamFetch();
    const fetch = transport.fetchFor(3_000);
    const account = defaultSimAccount(simulator.ready);
    try {
      const measure = async (variant: Variant): Promise<Round> => {
        await control.reset(GENERIC_ID);
        let clock = Date.now();
        const now = () => clock;
        const broker =
          variant === 'broker'
            ? createCredentialBroker({
                store: createMemoryTokenStore(),
                profileOf: () => genericProfile,
                fetch,
                now,
              })
            : createNaiveBroker({ fetch, now });
        await broker.credential(account, 'primary');
        const before = (await control.stats(GENERIC_ID)).tokenCalls.default ?? 0;
        clock += 2 * 3_600_000; // the cached token (1 h) is now expired for every caller
        const started = performance.now();
        const settled = await Promise.allSettled(
          Array.from({ length: CALLERS }, () => broker.credential(account, 'primary')),
        );
        const allServedMs = performance.now() - started;
        const stats = await control.stats(GENERIC_ID);
        const served = settled.flatMap((s) =>
          s.status === 'fulfilled' ? [s.value.headers.Authorization] : [],
        );
        const sample = served[0];
        const ping = sample
          ? await fetch(`${account.baseUrls.default}/api/ping`, { headers: { authorization: sample } })
          : undefined;
        await ping?.arrayBuffer();
        return {
          tokenCalls: (stats.tokenCalls.default ?? 0) - before,
          maxConcurrentTokenCalls: stats.maxConcurrentTokenCalls.default ?? 0,
          allServedMs,
          failed: CALLERS - served.length,
          distinctTokens: new Set(served).size,
          tokenWorks: ping?.status === 200,
        };
      };
      ctx.log(`stampede: ${rounds} round(s) x ${VARIANTS.length} variants`);
      const results = await alternate(VARIANTS, rounds, measure);
      return report(rounds, results);
    } finally {
      await transport.close();
      await simulator.stop();
    }
  },
};

function report(rounds: number, r: Record<Variant, Round[]>): ScenarioResult {
  const med = (v: Variant, pick: (x: Round) => number) => median(r[v].map(pick));
  const brokerCalls = r.broker.map((x) => x.tokenCalls);
  const exactlyOne =
    brokerCalls.every((n) => n === 1) && r.broker.every((x) => x.failed === 0 && x.tokenWorks);
  const rows = VARIANTS.map((v) => [
    v,
    r[v].map((x) => x.tokenCalls).join(', '),
    fmtInt(med(v, (x) => x.maxConcurrentTokenCalls)),
    fmt(med(v, (x) => x.allServedMs)),
    fmtInt(med(v, (x) => x.failed)),
    fmtInt(med(v, (x) => x.distinctTokens)),
    r[v].every((x) => x.tokenWorks) ? 'yes' : 'no',
  ]);
  return {
    id: 'stampede',
    summary: [
      {
        scenario: `Stampede: ${CALLERS.toLocaleString('en-US')} concurrent requests at the moment the token expires`,
        against: 'naive broker (each caller that sees an expired token refreshes)',
        measured: `${brokerCalls.join(', ')} token call(s) per round; all served in ${fmt(med('broker', (x) => x.allServedMs))} ms; naive: ${fmtInt(med('naive broker', (x) => x.tokenCalls))} calls, ${fmt(med('naive broker', (x) => x.allServedMs))} ms`,
        goal: 'exactly 1 token call',
        status: goalStatus(exactlyOne),
      },
    ],
    details: [
      {
        title: `Stampede: ${CALLERS.toLocaleString('en-US')} concurrent credential() calls at expiry (${rounds} round(s), medians)`,
        headers: [
          'variant',
          'token calls (each round)',
          'max concurrent token calls',
          'all served, ms',
          'failed callers',
          'distinct tokens handed out',
          'token accepted by the carrier',
        ],
        rows,
      },
    ],
    notes: [
      "Stampede: in-process (brokers driven directly, clock jumped past expiry), the simulator in its own process; both brokers use the gateway's undici transport. Token calls are counted by the simulator.",
    ],
    data: { rounds, results: r },
  };
}
