/**
 * Scenario 7: scale. 100,000 carrier accounts each with a cached token, and 100,000 breakers
 * (50,000 accounts' auth and API breakers) each used once, against the empty gateway core, in a child process (see
 * processes/scale.ts). Two fills, each in a fresh process: tokens fetched from the generic
 * OAuth simulator through the real broker (the scenario as stated), and tokens adopted from
 * the store (what the accounts themselves keep, without the leftovers of 100,000 HTTP calls).
 */
import { createControlClient } from '../../sandbox/control-client.ts';
import { forkChild } from '../lib/child.ts';
import { GENERIC_ID } from '../lib/generic-account.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { startSimulator } from '../lib/stack.ts';
import { fmt, fmtInt } from '../lib/stats.ts';
import type { ScaleResult } from '../processes/scale.ts';

const ACCOUNTS = 100_000;
/** 100,000 breakers: an auth and an API breaker for each of 50,000 accounts. */
const BREAKER_ACCOUNTS = 50_000;
const MB = 2 ** 20;
const TOKEN_LIFETIME_S = 24 * 3600;
const FILLS = ['http', 'store'] as const;
export type Fill = (typeof FILLS)[number];
const FILL_NAME: Record<Fill, string> = {
  http: 'tokens fetched over HTTP',
  store: 'tokens adopted from the store',
};

export const scale: Scenario = {
  id: 'scale',
  title: 'Scale: 100,000 accounts with cached tokens, 100,000 breakers used once',
  async run(ctx): Promise<ScenarioResult> {
    // Quick mode measures fewer accounts and says so: the HTTP fill is only shown, the store
    // fill (close to linear) is projected to 100,000.
    const accountsFor = (fill: Fill) =>
      ctx.quick ? (fill === 'http' ? ACCOUNTS / 20 : ACCOUNTS / 4) : ACCOUNTS;
    const simulator = await startSimulator({ genericOAuth: true });
    try {
      const control = createControlClient(`${simulator.ready.url}/_control`);
      const simAccount = simulator.ready.accounts[GENERIC_ID]?.find((a) => a.id === 'default');
      if (!simAccount) throw new Error('no default account');
      const runs: Record<Fill, Measured[]> = { http: [], store: [] };
      for (let run = 0; run < runsFor(ctx.quick); run++) {
        for (const fill of FILLS) {
          await control.reset(GENERIC_ID);
          await control.setMode({ carrier: GENERIC_ID, tokenLifetimeSeconds: TOKEN_LIFETIME_S });
          const accounts = accountsFor(fill);
          ctx.log(
            `scale: ${fmtInt(accounts)} accounts (${FILL_NAME[fill]}), ${BREAKER_ACCOUNTS} breaker pairs, run ${run + 1}`,
          );
          runs[fill].push({
            ...(await measureFill(simulator.ready.url, simAccount, accounts, fill)),
            accounts,
          });
        }
      }
      return report(runs);
    } finally {
      await simulator.stop();
    }
  },
};

export type Measured = ScaleResult & { tokenCalls: number; accounts: number };

/**
 * Runs of each fill, each in a fresh process. What V8 keeps after a fill depends on where its
 * last collections fell (the HTTP fill moved between +215 and +404 MB over twelve runs of the
 * same code), so a full run reports the median of three and the range.
 */
const runsFor = (quick: boolean) => (quick ? 1 : 3);

/** One fill in a fresh scale process (`processes/scale.ts`); also used by `tools/node-flag-cost.ts`. */
export async function measureFill(
  simulatorUrl: string,
  simAccount: { id: string; secrets: Record<string, string> },
  accounts: number,
  fill: Fill,
  options: { nodeFlags?: readonly string[]; breakerAccounts?: number } = {},
): Promise<Omit<Measured, 'accounts'>> {
  const child = await forkChild<{ pid: number }>(new URL('../processes/scale.ts', import.meta.url), {
    settings: {
      simulatorUrl,
      tokenLifetimeSeconds: TOKEN_LIFETIME_S,
      simAccount,
      accounts,
      breakerAccounts: options.breakerAccounts ?? BREAKER_ACCOUNTS,
      fill,
    },
    execArgv: ['--expose-gc', ...(options.nodeFlags ?? [])],
  });
  try {
    const result = await child.call<ScaleResult>('measure', undefined, 900_000);
    return { ...result, tokenCalls: result.simulatorTokenCalls };
  } finally {
    await child.stop();
  }
}

const accountsRssOf = (r: Measured) => r.withAccounts.rssBytes - r.empty.rssBytes;

/** The run whose accounts' RSS is the median (the lower middle of an even count). */
function medianRun(runs: readonly Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => accountsRssOf(a) - accountsRssOf(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('no scale run');
  return median;
}

function report(runs: Record<Fill, Measured[]>): ScenarioResult {
  const results: Record<Fill, Measured> = { http: medianRun(runs.http), store: medianRun(runs.store) };
  const runsNote = (fill: Fill) =>
    runs[fill].length > 1
      ? `, the median of ${runs[fill].length} runs (${runs[fill].map((r) => `+${fmt(accountsRssOf(r) / MB)}`).join(', ')} MB)`
      : '';
  const figures = (r: Measured) => {
    const accountsRss = accountsRssOf(r);
    return {
      accountsRss,
      projectedRss: accountsRss * (ACCOUNTS / r.accounts),
      perAccountRss: accountsRss / r.accounts,
      perAccountHeap: (r.withAccounts.heapUsedBytes - r.empty.heapUsedBytes) / r.accounts,
      accountsReducedRss: r.withAccounts.rssAfterReducingGcBytes - r.empty.rssAfterReducingGcBytes,
      // From the state the breakers started in (the accounts' figures end with a reducing GC).
      breakersRss: r.withBreakers.rssAfterReducingGcBytes - r.withAccounts.rssAfterReducingGcBytes,
      breakersHeap: r.withBreakers.heapUsedBytes - r.withAccounts.heapUsedBytes,
      perBreakerHeap: (r.withBreakers.heapUsedBytes - r.withAccounts.heapUsedBytes) / r.breakers,
      timersPerBreaker: r.breakerTimers / r.breakers,
    };
  };
  // The goal is judged on fills measured at full size, or on the store fill's projection.
  const judged = FILLS.filter((fill) => results[fill].accounts === ACCOUNTS);
  const overGoal = (fill: Fill) => figures(results[fill]).projectedRss > 150 * MB;
  const rows = FILLS.flatMap((fill) => {
    const r = results[fill];
    const f = figures(r);
    const row = (state: string, x: ScaleResult['empty']) => [
      FILL_NAME[fill],
      state,
      fmt(x.rssBytes / MB),
      fmt(x.heapUsedBytes / MB),
      fmt(x.heapTotalBytes / MB),
      fmt(x.rssAfterReducingGcBytes / MB),
    ];
    return [
      row('empty gateway core (broker, memory store, breaker board)', r.empty),
      row(
        `+ ${fmtInt(r.accounts)} accounts with a cached token (${fmtInt(f.perAccountRss)} B RSS, ${fmtInt(f.perAccountHeap)} B heap each)`,
        r.withAccounts,
      ),
      row(
        `+ ${fmtInt(r.breakers / 2)} accounts' auth + API breakers (${fmtInt(r.breakers)}), each used once (${fmtInt(f.perBreakerHeap)} B heap each)`,
        r.withBreakers,
      ),
    ];
  });
  const measured = FILLS.map((fill) => {
    const r = results[fill];
    const f = figures(r);
    if (r.accounts === ACCOUNTS)
      return `+${fmt(f.accountsRss / MB)} MB RSS with ${FILL_NAME[fill]}${runsNote(fill)} (+${fmt(f.accountsReducedRss / MB)} MB after a memory-reducing GC)`;
    return fill === 'store'
      ? `+${fmt(f.projectedRss / MB)} MB RSS with ${FILL_NAME[fill]} (projected from ${fmtInt(r.accounts)}, quick run)`
      : `+${fmt(f.accountsRss / MB)} MB RSS with ${FILL_NAME[fill]} (${fmtInt(r.accounts)} accounts only, quick run)`;
  }).join('; ');
  const store = figures(results.store);
  // Breakers in every run: a timer or a blown budget in any of them misses the goal.
  const breakerFigures = FILLS.flatMap((fill) => runs[fill].map(figures));
  const breakersOk = breakerFigures.every(
    (f) => Math.max(f.breakersRss, f.breakersHeap) <= 100 * MB && f.timersPerBreaker === 0,
  );
  return {
    id: 'scale',
    summary: [
      {
        scenario: `Scale: ${fmtInt(ACCOUNTS)} carrier accounts with cached tokens`,
        against: 'an empty gateway',
        measured: `${measured}; ${fmtInt(store.perAccountHeap)} B heap per account`,
        goal: '≤ 150 MB RSS over the empty baseline',
        status: goalStatus(
          judged.length > 0 ? !judged.some(overGoal) : results.store.accounts > 0 && !overGoal('store'),
        ),
      },
      {
        scenario: `Scale: ${fmtInt(results.store.breakers)} breakers (auth + API of ${fmtInt(results.store.breakers / 2)} accounts), each used once`,
        against: 'the same process before',
        measured: `+${fmt(store.breakersRss / MB)} MB RSS, +${fmt(store.breakersHeap / MB)} MB heap (${fmtInt(store.perBreakerHeap)} B each), ${fmt(store.timersPerBreaker)} timer per breaker`,
        goal: '≤ 100 MB and no timer per breaker',
        status: goalStatus(breakersOk),
      },
    ],
    details: [
      {
        title: 'Scale: footprint after full GCs (MB)',
        headers: ['fill', 'state', 'RSS', 'V8 heap used', 'V8 heap total', 'RSS after a memory-reducing GC'],
        rows,
      },
    ],
    notes: [
      `Scale: each fill in a fresh process (--expose-gc; figures after full GCs and an idle pause; the goal is judged on that RSS; a full run fills each way ${runsFor(false)} times, and the table shows the run with the median RSS, since what V8 keeps after a fill depends on where its last collections fell). The last column is the RSS after a memory-reducing GC (V8's last-resort collection, \`gc({ flavor: 'last-resort' })\`: compacts the old generation and hands pooled pages back, as V8's memory reducer does when it judges the process idle), taken after the other figures; the breakers' RSS is the difference of those. HTTP fill: ${fmtInt(results.http.tokensCached)} tokens through the broker in ${fmt(results.http.accountsMs / 1000)} s (${fmtInt(results.http.tokenCalls)} token calls seen by the simulator, 64 at a time). Store fill: tokens written to the memory store, then adopted by the broker on first use (${fmtInt(results.store.tokenCalls)} token calls). Timers are counted with an async hook, unref'd ones included: a breaker holds no timer (its window rolls on use) and no opossum breaker until it counts a failure. The memory store was sized for every account; the composition root's default keeps 10,000 keys, past which tokens live only in the broker's in-process cache.`,
    ],
    data: { results, runs },
  };
}
