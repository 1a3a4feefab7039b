/**
 * One soak run: every process started separately (a private Redis, the simulators, N gateway
 * instances, the load generator), the load at a fixed rate through warm-up, chaos and a quiet
 * phase, the chaos timeline drawn from the seed, then the oracle's invariants over what the
 * callers got and what the simulators and /proc saw.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { carriers } from '../../carriers/index.ts';
import { type Child, forkChild } from '../lib/child.ts';
import { describeMachine } from '../lib/machine.ts';
import { reconnect, runChaos } from './chaos/actions.ts';
import { planChaos } from './chaos/plan.ts';
import { replayCommand, type SoakOptions } from './lib/options.ts';
import { freePort } from './lib/ports.ts';
import { createRandom } from './lib/random.ts';
import type { AnswerRecord } from './load/answers.ts';
import {
  breakersClosed,
  everyRequestAnswered,
  noLabelBoughtTwice,
  noRefreshTokenReused,
  noSecretInLogs,
  outcomeUnknownResolvable,
  resourcesFlat,
  tokenCallsWithinQuota,
} from './oracle/invariants.ts';
import { startSamplers, watchBreakersClose } from './oracle/samplers.ts';
import { createSoakGateway, type SoakGateway } from './processes/gateway.ts';
import { type SoakRedis, startSoakRedis } from './processes/redis.ts';
import { type SoakSandbox, startSoakSandbox } from './processes/sandbox.ts';
import { answersPerSecond, latencyByKind, outcomesByKind, type SoakReport } from './report/render.ts';
import {
  CONNECTED_ACCOUNT,
  CONNECTED_CARRIER,
  CONNECTED_TOKEN_SECONDS,
  prepareAccounts,
  type SoakAccount,
  secretValues,
} from './setup/accounts.ts';
import { writeGatewayConfig } from './setup/config.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hourly token allowance of each account (the carrier's published limit, as the gateway uses it). */
function tokenLimits(accounts: readonly SoakAccount[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const account of accounts) {
    const limit = carriers.find((c) => c.id === account.carrier)?.limits.tokenCallsPerHour;
    if (limit !== undefined) limits[`${account.carrier}/${account.id}`] = limit;
  }
  return limits;
}

export async function runSoak(options: SoakOptions, log: (message: string) => void): Promise<SoakReport> {
  const machine = describeMachine();
  const wallStart = performance.now();
  const logDir = await mkdtemp(join(tmpdir(), 'cg-soak-'));
  const random = createRandom(options.seed);
  const runId = `${options.seed.toString(36)}${Date.now().toString(36).slice(-4)}`;
  let redis: SoakRedis | undefined;
  let sandbox: SoakSandbox | undefined;
  let gateways: SoakGateway[] = [];
  let load: Child<{ pid: number }> | undefined;
  log(`seed ${options.seed}; logs in ${logDir}`);

  try {
    [redis, sandbox] = await Promise.all([startSoakRedis(), startSoakSandbox(logDir)]);
    const accounts = await prepareAccounts(sandbox.control, sandbox.baseUrl(CONNECTED_CARRIER));
    const env = await writeGatewayConfig({
      dir: logDir,
      accounts,
      simulatorUrl: (carrier) => sandbox!.baseUrl(carrier),
      redisUrl: redis.url,
      namespace: `soak-${runId}`,
    });
    const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
    gateways = ports.map((port, index) =>
      createSoakGateway({
        index,
        port,
        configPath: env.configPath,
        env: env.shared,
        logDir,
        readyTimeoutMs: 90_000,
      }),
    );
    for (const gateway of gateways) await gateway.start();
    log(`redis :${redis.port}, simulators ${sandbox.url}, gateways ${gateways.map((g) => g.url).join(' ')}`);

    load = await forkChild<{ pid: number }>(new URL('./load/generator.ts', import.meta.url), {
      settings: { instances: gateways.map((g) => g.url), apiKey: env.apiKey, seed: options.seed, runId },
    });

    const chaosStartMs = options.warmupSec * 1000;
    const chaosEndMs = (options.totalSec - options.quietSec) * 1000;
    const accountIds: Record<string, string[]> = {};
    for (const a of accounts) accountIds[a.carrier] = [...(accountIds[a.carrier] ?? []), a.id];
    const plan = planChaos(random.fork('chaos'), {
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
    const loadRun = load.call<AnswerRecord[]>(
      'run',
      { rate: options.rate, durationSec: options.totalSec, deadlineMs: options.deadlineMs },
      (options.totalSec + 120) * 1000 + options.deadlineMs,
    );
    log(`load: ${options.rate}/s for ${options.totalSec} s; ${plan.length} chaos events`);
    const chaos = runChaos(
      { control: sandbox.control, redis, gateways, adminKey: env.adminKey, log },
      plan,
      runStart,
    );

    await sleep(Math.max(0, runStart + chaosEndMs - Date.now()));
    await chaos.stopped();
    // The faults stop: what an operator would have done once the incident is over.
    await sandbox.control.clearFaults();
    await sandbox.control.setMode({
      carrier: CONNECTED_CARRIER,
      account: CONNECTED_ACCOUNT,
      tokenLifetimeSeconds: CONNECTED_TOKEN_SECONDS,
    });
    redis.thaw();
    for (const gateway of gateways) if (!gateway.running()) await gateway.start();
    const healNotes: string[] = [];
    await reconnect(
      { control: sandbox.control, redis, gateways, adminKey: env.adminKey, log },
      gateways[0]!,
    ).catch((error: unknown) =>
      healNotes.push(
        `re-connecting ${CONNECTED_CARRIER}/${CONNECTED_ACCOUNT} after the chaos failed: ${String(error)}`,
      ),
    );
    const healedAt = Date.now();
    log(`chaos over at ${((healedAt - runStart) / 1000).toFixed(0)} s; faults cleared, account re-connected`);

    const breakers = await watchBreakersClose(
      gateways,
      env.apiKey,
      runStart + options.totalSec * 1000 - 1_000,
    );
    const records = await loadRun;
    samplers.stop();
    log(`load done: ${records.length} answers`);

    const unknownKeys = [
      ...new Set(
        records.filter((r) => r.outcome === 'problem:label-outcome-unknown' && r.key).map((r) => r.key!),
      ),
    ];
    const replays = await load.call<AnswerRecord[]>('replay', {
      keys: unknownKeys,
      deadlineMs: options.deadlineMs,
    });
    const stats = await sandbox.control.allStats();
    await writeFile(join(logDir, 'answers.ndjson'), records.map((r) => JSON.stringify(r)).join('\n'));
    const logs: Record<string, string> = {};
    for (const gateway of gateways)
      logs[`gateway-${gateway.index}.log`] = await readFile(gateway.logFile, 'utf8').catch(() => '');

    const warmupEnd = runStart + chaosStartMs;
    const invariants = [
      everyRequestAnswered(records, options.deadlineMs, runStart),
      noLabelBoughtTwice([...records, ...replays], stats, runStart),
      noRefreshTokenReused(stats, samplers.tokens, runStart),
      tokenCallsWithinQuota(samplers.tokens, stats, tokenLimits(accounts)),
      outcomeUnknownResolvable(records, replays, stats),
      ...resourcesFlat(samplers.processes, warmupEnd, healedAt),
      breakersClosed(breakers.snapshots, breakers.allClosedAt, healedAt),
      noSecretInLogs(logs, secretValues(accounts)),
    ];
    const passed = invariants.every((i) => i.holds);
    const tokenCalls = Object.fromEntries(Object.entries(stats).map(([c, s]) => [c, s.tokenCalls]));
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
      passed,
      invariants,
      timeline: chaos.executed.sort((a, b) => a.startedAt - b.startedAt),
      answersPerSecond: answersPerSecond(records, runStart),
      outcomes: outcomesByKind(records),
      latencyMs: latencyByKind(records),
      notes: [
        ...healNotes,
        `gateway logs and configuration: ${logDir}`,
        `${unknownKeys.length} label keys answered label-outcome-unknown were replayed after the quiet phase`,
      ],
      data: {
        tokenCalls,
        refreshTokenReuse: Object.fromEntries(
          Object.entries(stats).map(([c, s]) => [c, s.refreshTokenReuse]),
        ),
        labelsCreated: Object.fromEntries(Object.entries(stats).map(([c, s]) => [c, s.labelsCreated])),
        processSamples: samplers.processes,
        tokenSamples: samplers.tokens,
        breakerSnapshots: breakers.snapshots.slice(-4 * options.instances),
        replays,
        plan,
        logDir,
      },
    };
  } finally {
    await load?.stop().catch(() => undefined);
    await Promise.all(gateways.map((g) => g.stop().catch(() => undefined)));
    await sandbox?.stop().catch(() => undefined);
    await redis?.dispose().catch(() => undefined);
  }
}
