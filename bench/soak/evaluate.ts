/** The oracle's verdict on one run: every invariant, and the raw figures behind them. */
import { readFile } from 'node:fs/promises';
import { carriers } from '../../carriers/index.ts';
import type { ExecutedEvent } from './chaos/actions.ts';
import type { ChaosEvent } from './chaos/plan.ts';
import type { SoakOptions } from './lib/options.ts';
import type { AnswerRecord } from './load/answers.ts';
import {
  breakersClosed,
  everyRequestAnswered,
  type InvariantResult,
  noLabelBoughtTwice,
  noRefreshTokenReused,
  noSecretInLogs,
  outcomeUnknownResolvable,
  resourcesFlat,
  tokenCallsWithinQuota,
} from './oracle/invariants.ts';
import type { BreakerSnapshot, startSamplers } from './oracle/samplers.ts';
import { type SoakAccount, secretValues } from './setup/accounts.ts';
import type { SoakStack } from './stack.ts';

export interface RunResult {
  plan: ChaosEvent[];
  samplers: ReturnType<typeof startSamplers>;
  runStart: number;
  healedAt: number;
  breakers: { snapshots: BreakerSnapshot[]; allClosedAt?: number };
  records: AnswerRecord[];
  replays: AnswerRecord[];
  executed: ExecutedEvent[];
}

/** Hourly token allowance of each account (the carrier's published limit, as the gateway uses it). */
function tokenLimits(accounts: readonly SoakAccount[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const account of accounts) {
    const limit = carriers.find((c) => c.id === account.carrier)?.limits.tokenCallsPerHour;
    if (limit !== undefined) limits[`${account.carrier}/${account.id}`] = limit;
  }
  return limits;
}

export async function evaluate(
  options: SoakOptions,
  stack: SoakStack,
  run: RunResult,
): Promise<{ invariants: InvariantResult[]; data: Record<string, unknown> }> {
  const stats = await stack.sandbox.control.allStats();
  const logs: Record<string, string> = {};
  for (const gateway of stack.gateways)
    logs[`gateway-${gateway.index}.log`] = await readFile(gateway.logFile, 'utf8').catch(() => '');
  const warmupEnd = run.runStart + options.warmupSec * 1000;
  const invariants = [
    everyRequestAnswered(run.records, options.deadlineMs, run.runStart),
    noLabelBoughtTwice([...run.records, ...run.replays], stats, run.runStart),
    noRefreshTokenReused(stats, run.samplers.tokens, run.runStart),
    tokenCallsWithinQuota(run.samplers.tokens, stats, tokenLimits(stack.accounts)),
    outcomeUnknownResolvable(run.records, run.replays, stats),
    ...resourcesFlat(run.samplers.processes, warmupEnd, run.healedAt),
    breakersClosed(run.breakers.snapshots, run.breakers.allClosedAt, run.healedAt),
    noSecretInLogs(logs, secretValues(stack.accounts)),
  ];
  const per = <T>(pick: (s: (typeof stats)[string]) => T) =>
    Object.fromEntries(Object.entries(stats).map(([carrier, s]) => [carrier, pick(s)]));
  return {
    invariants,
    data: {
      tokenCalls: per((s) => s.tokenCalls),
      refreshTokenReuse: per((s) => s.refreshTokenReuse),
      labelsCreated: per((s) => s.labelsCreated),
      processSamples: run.samplers.processes,
      tokenSamples: run.samplers.tokens,
      breakerSnapshots: run.breakers.snapshots.slice(-4 * options.instances),
      replays: run.replays,
    },
  };
}
