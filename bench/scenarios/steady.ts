/**
 * Scenario 8: steady state. 200,000 mixed requests through the whole gateway (telemetry on,
 * default sampler): rates, labels each under a new Idempotency-Key, and bad input (a body
 * that fails validation), 16 at a time. RSS after full GCs is read after the first 20,000
 * and again at intervals to the end: what the gateway keeps per request must level off.
 * Twice: with the in-process stores (one instance: label answers are kept in its memory for
 * replay, up to their byte bound) and with shared state in Redis (as a fleet runs: the
 * answers are kept in Redis), so what the process itself keeps is seen apart from the cache.
 */
import { Pool } from 'undici';
import { SAMPLE_LABEL_REQUEST } from '../../sandbox/examples.ts';
import type { Child } from '../lib/child.ts';
import { dropNamespace, REDIS_URL, redisAnswers } from '../lib/redis.ts';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { callerHeaders, startGateway, startSimulator, startSink, stopAll } from '../lib/stack.ts';
import { fmt, fmtInt } from '../lib/stats.ts';
import { RATE_BODY } from '../lib/wire.ts';

const CARRIER = 'ups';
const MB = 2 ** 20;
const CONCURRENCY = 16;

interface Memory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
}

interface Checkpoint extends Memory {
  requests: number;
}

type Kind = 'rate' | 'label' | 'bad';

/** 6 rates, 3 labels, 1 bad input in every 10 requests. */
const kindOf = (i: number): Kind => {
  const r = i % 10;
  return r < 6 ? 'rate' : r < 9 ? 'label' : 'bad';
};

const VARIANTS = ['in-process stores', 'shared state in Redis'] as const;
type Variant = (typeof VARIANTS)[number];

interface VariantResult {
  variant: Variant;
  measured: Checkpoint[];
  statuses: Record<string, number>;
  seconds: number;
}

export const steady: Scenario = {
  id: 'steady',
  title: 'Steady state: RSS under 200,000 mixed requests',
  async run(ctx): Promise<ScenarioResult> {
    const total = ctx.quick ? 20_000 : 200_000;
    const results: VariantResult[] = [];
    const skipped: string[] = [];
    for (const variant of VARIANTS) {
      if (variant === 'shared state in Redis' && !(await redisAnswers())) {
        skipped.push(`${variant}: not measured, no Redis at ${REDIS_URL}`);
        continue;
      }
      results.push(await runVariant(ctx, variant, total));
    }
    return report(results, skipped);
  },
};

async function runVariant(
  ctx: Parameters<Scenario['run']>[0],
  variant: Variant,
  total: number,
): Promise<VariantResult> {
  const first = total / 10;
  const checkpoints = [first, ...[0.3, 0.5, 0.7, 1].map((f) => Math.round(total * f))];
  // Keys of their own per run: a second run must create labels, not replay the first's.
  const run = crypto.randomUUID().slice(0, 8);
  const namespace = `bench-steady-${run}`;
  const redis = variant === 'shared state in Redis' ? { url: REDIS_URL, namespace } : undefined;
  const simulator = await startSimulator({ carriers: [CARRIER] });
  const sink = await startSink();
  const children: (Child<unknown> | undefined)[] = [simulator, sink];
  try {
    const gateway = await startGateway({
      simulator: simulator.ready,
      carriers: [CARRIER],
      otlpEndpoint: sink.ready.url,
      execArgv: ['--expose-gc'],
      ...(redis ? { redis } : {}),
    });
    children.push(gateway);
    const pool = new Pool(gateway.ready.url, { connections: CONCURRENCY, pipelining: 1 });
    const headers = callerHeaders(gateway.ready);
    const bodies: Record<Kind, string> = {
      rate: JSON.stringify(RATE_BODY),
      label: JSON.stringify({ ...SAMPLE_LABEL_REQUEST, carrier: CARRIER }),
      bad: JSON.stringify({ ...RATE_BODY, parcels: [{ weight: { value: -1, unit: 'lb' } }] }),
    };
    const statuses: Record<string, number> = {};
    const measured: Checkpoint[] = [];
    let next = 0;
    const send = async (i: number) => {
      const kind = kindOf(i);
      const res = await pool.request({
        path: kind === 'label' ? '/v1/labels' : '/v1/rates',
        method: 'POST',
        headers: kind === 'label' ? { ...headers, 'idempotency-key': `steady-${run}-${i}` } : headers,
        body: bodies[kind],
      });
      await res.body.dump();
      const key = `${kind} ${res.statusCode}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    };
    const started = performance.now();
    for (const until of checkpoints) {
      const worker = async () => {
        while (next < until) await send(next++);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const memory = await gateway.call<Memory>('memory', undefined, 60_000);
      measured.push({ requests: until, ...memory });
      ctx.log(`steady (${variant}): ${fmtInt(until)} requests, RSS ${fmt(memory.rssBytes / MB)} MB`);
    }
    const seconds = (performance.now() - started) / 1000;
    await pool.close();
    return { variant, measured, statuses, seconds };
  } finally {
    await stopAll(children);
    if (redis) await dropNamespace(namespace).catch(() => 0);
  }
}

function growthOf(r: VariantResult) {
  const base = r.measured[0] as Checkpoint;
  const last = r.measured[r.measured.length - 1] as Checkpoint;
  return { base, last, growth: (last.rssBytes - base.rssBytes) / base.rssBytes };
}

function report(results: VariantResult[], skipped: string[]): ScenarioResult {
  return {
    id: 'steady',
    summary: results.map((r) => {
      const { base, last, growth } = growthOf(r);
      return {
        scenario: `Steady state: ${fmtInt(last.requests)} mixed requests (rates, labels with new keys, bad input), ${r.variant}`,
        against: `RSS after the first ${fmtInt(base.requests)}`,
        measured: `RSS after GC ${fmt(base.rssBytes / MB)} MB → ${fmt(last.rssBytes / MB)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100)} %); heap ${fmt(base.heapUsedBytes / MB)} → ${fmt(last.heapUsedBytes / MB)} MB`,
        goal: 'within 10 %',
        status: goalStatus(Math.abs(growth) <= 0.1),
      };
    }),
    details: [
      {
        title: 'Steady state: gateway memory after full GCs (MB)',
        headers: ['stores', 'requests', 'RSS', 'V8 heap used', 'V8 heap total'],
        rows: results.flatMap((r) =>
          r.measured.map((m) => [
            r.variant,
            fmtInt(m.requests),
            fmt(m.rssBytes / MB),
            fmt(m.heapUsedBytes / MB),
            fmt(m.heapTotalBytes / MB),
          ]),
        ),
      },
    ],
    notes: [
      ...results.map(
        (r) =>
          `Steady state (${r.variant}): ${fmtInt(growthOf(r).last.requests)} requests in ${fmt(r.seconds)} s, ${CONCURRENCY} at a time, telemetry on (default sampler) to an OTLP sink; answers ${Object.entries(
            r.statuses,
          )
            .sort()
            .map(([k, n]) => `${k}: ${fmtInt(n)}`)
            .join(', ')}.`,
      ),
      "In-process stores: label answers are kept for replay by the idempotency store of the instance, bounded in bytes (32 MiB whole, then 64 MiB without their documents), which fills during the run. Shared state in Redis: tokens, idempotency records and the control plane in Redis under a namespace of the run (removed afterwards), as several instances run; each instance still keeps the answers it produced whole (32 MiB) and compact copies of the fleet's (64 MiB).",
      ...skipped,
    ],
    data: { results, skipped },
  };
}
