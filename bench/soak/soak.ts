/**
 * One soak run: the processes up (stack.ts), the load at a fixed rate through warm-up, chaos
 * and a quiet phase, the chaos timeline drawn from the seed, the faults stopped as an operator
 * would stop them, then the oracle's invariants over what the callers got and what the
 * simulators and /proc saw (evaluate.ts).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from '../lib/machine.ts';
import { type ChaosContext, reconnect, runChaos } from './chaos/actions.ts';
import { planChaos } from './chaos/plan.ts';
import { evaluate } from './evaluate.ts';
import { replayCommand, type SoakOptions } from './lib/options.ts';
import { createRandom } from './lib/random.ts';
import type { AnswerRecord } from './load/answers.ts';
import { startSamplers, watchBreakersClose } from './oracle/samplers.ts';
import { answersPerSecond, latencyByKind, outcomesByKind, type SoakReport } from './report/render.ts';
import { CONNECTED_ACCOUNT, CONNECTED_CARRIER, CONNECTED_TOKEN_SECONDS } from './setup/accounts.ts';
import { type SoakStack, withStack } from './stack.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The incident is over: faults cleared, Redis thawed, every instance up, the account re-connected. */
async function heal(stack: SoakStack, chaos: ChaosContext): Promise<string[]> {
  const notes: string[] = [];
  await stack.sandbox.control.clearFaults();
  await stack.sandbox.control.setMode({
    carrier: CONNECTED_CARRIER,
    account: CONNECTED_ACCOUNT,
    tokenLifetimeSeconds: CONNECTED_TOKEN_SECONDS,
  });
  stack.redis.thaw();
  for (const gateway of stack.gateways) if (!gateway.running()) await gateway.start();
  await reconnect(chaos, stack.gateways[0]!).catch((error: unknown) =>
    notes.push(
      `re-connecting ${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT} after the chaos failed: ${String(error)}`,
    ),
  );
  return notes;
}

async function run(options: SoakOptions, stack: SoakStack, logDir: string, log: (m: string) => void) {
  const { sandbox, gateways, env } = stack;
  const chaosStartMs = options.warmupSec * 1000;
  const chaosEndMs = (options.totalSec - options.quietSec) * 1000;
  const accountIds: Record<string, string[]> = {};
  for (const a of stack.accounts) accountIds[a.carrier] = [...(accountIds[a.carrier] ?? []), a.id];
  const plan = planChaos(createRandom(options.seed).fork('chaos'), {
    startMs: chaosStartMs,
    endMs: chaosEndMs - 3_000,
    meanGapMs: options.chaosGapMs,
    instances: options.instances,
    faultMs: options.faultMs,
    exclude: options.exclude,
    accounts: accountIds,
  });
  const samplers = startSamplers({
    gateways,
    control: sandbox.control,
    processEveryMs: 2_000,
    tokensEveryMs: 5_000,
  });
  const runStart = Date.now();
  const loadRun = stack.load.call<AnswerRecord[]>(
    'run',
    { rate: options.rate, durationSec: options.totalSec, deadlineMs: options.deadlineMs },
    (options.totalSec + 120) * 1000 + options.deadlineMs,
  );
  log(`load: ${options.rate}/s for ${options.totalSec} s; ${plan.length} chaos events`);
  const context: ChaosContext = {
    control: sandbox.control,
    redis: stack.redis,
    gateways,
    adminKey: env.adminKey,
    log,
  };
  const chaos = runChaos(context, plan, runStart);

  await sleep(Math.max(0, runStart + chaosEndMs - Date.now()));
  await chaos.stopped();
  const notes = await heal(stack, context);
  const healedAt = Date.now();
  log(`chaos over at ${((healedAt - runStart) / 1000).toFixed(0)} s; faults cleared, account re-connected`);

  const breakers = await watchBreakersClose(gateways, env.apiKey, runStart + options.totalSec * 1000 - 1_000);
  const records = await loadRun;
  samplers.stop();
  log(`load done: ${records.length} answers`);
  await writeFile(join(logDir, 'answers.ndjson'), records.map((r) => JSON.stringify(r)).join('\n'));

  const unknownKeys = [
    ...new Set(
      records.filter((r) => r.outcome === 'problem:label-outcome-unknown' && r.key).map((r) => r.key!),
    ),
  ];
  const replays = await stack.load.call<AnswerRecord[]>('replay', {
    keys: unknownKeys,
    deadlineMs: options.deadlineMs,
  });
  notes.push(
    `${unknownKeys.length} label keys answered label-outcome-unknown were replayed after the quiet phase`,
  );
  return { plan, samplers, runStart, healedAt, breakers, records, replays, notes, executed: chaos.executed };
}

export async function runSoak(options: SoakOptions, log: (message: string) => void): Promise<SoakReport> {
  const machine = describeMachine();
  const wallStart = performance.now();
  const logDir = await mkdtemp(join(tmpdir(), 'cg-soak-'));
  const runId = `${options.seed.toString(36)}${Date.now().toString(36).slice(-4)}`;
  log(`seed ${options.seed}; logs in ${logDir}`);

  return withStack({ instances: options.instances, seed: options.seed, runId, logDir }, async (stack) => {
    log(
      `redis :${stack.redis.port}, simulators ${stack.sandbox.url}, gateways ${stack.gateways.map((g) => g.url).join(' ')}`,
    );
    const result = await run(options, stack, logDir, log);
    const { invariants, data } = await evaluate(options, stack, result);
    return {
      kind: 'soak',
      mode: options.mode,
      seed: options.seed,
      replay: replayCommand(options),
      machine,
      settings: {
        rate: options.rate,
        seconds: options.totalSec,
        instances: options.instances,
        deadlineMs: options.deadlineMs,
        ...(options.exclude.length ? { excluded: options.exclude } : {}),
      },
      phases: {
        warmupEndSec: options.warmupSec,
        chaosEndSec: options.totalSec - options.quietSec,
        runEndSec: options.totalSec,
      },
      wallSec: (performance.now() - wallStart) / 1000,
      loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      passed: invariants.every((i) => i.holds),
      invariants,
      timeline: result.executed.sort((a, b) => a.startedAt - b.startedAt),
      answersPerSecond: answersPerSecond(result.records, result.runStart),
      outcomes: outcomesByKind(result.records),
      latencyMs: latencyByKind(result.records),
      notes: [...result.notes, `gateway logs, configuration and every answer: ${logDir}`],
      data: { ...data, plan: result.plan, logDir },
    };
  });
}
