/**
 * The soak report: JSON with everything (seed, settings, timeline, every second's answers by
 * class, invariants, process samples) and a markdown summary in the bench's style. A failing
 * invariant names the seed and the command that replays the run.
 */

import type { Machine } from '../../lib/machine.ts';
import { markdownTable } from '../../lib/report.ts';
import { type LatencySummary, summarize } from '../../lib/stats.ts';
import type { ExecutedEvent } from '../chaos/actions.ts';
import type { AnswerRecord } from '../load/answers.ts';
import type { InvariantResult } from '../oracle/invariants.ts';

export interface SoakReport {
  kind: 'soak';
  mode: 'short' | 'long';
  seed: number;
  replay: string;
  machine: Machine;
  settings: Record<string, unknown>;
  phases: { warmupEndSec: number; chaosEndSec: number; runEndSec: number };
  wallSec: number;
  loadAverageAtEnd: number;
  passed: boolean;
  invariants: InvariantResult[];
  timeline: ExecutedEvent[];
  /** Second since the run began -> outcome -> answers completed in that second. */
  answersPerSecond: Record<string, number>[];
  outcomes: Record<string, Record<string, number>>;
  latencyMs: Record<string, LatencySummary>;
  notes: string[];
  data: Record<string, unknown>;
}

export function answersPerSecond(records: readonly AnswerRecord[], start: number): Record<string, number>[] {
  const seconds: Record<string, number>[] = [];
  for (const r of records) {
    const second = Math.max(0, Math.floor((r.doneAt - start) / 1000));
    while (seconds.length <= second) seconds.push({});
    const bucket = seconds[second]!;
    bucket[r.outcome] = (bucket[r.outcome] ?? 0) + 1;
  }
  return seconds;
}

export function outcomesByKind(records: readonly AnswerRecord[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of records) {
    const kind = out[r.kind] ?? {};
    kind[r.outcome] = (kind[r.outcome] ?? 0) + 1;
    out[r.kind] = kind;
  }
  return out;
}

export function latencyByKind(records: readonly AnswerRecord[]): Record<string, LatencySummary> {
  const byKind = new Map<string, number[]>();
  for (const r of records) {
    const list = byKind.get(r.kind) ?? [];
    list.push(r.doneAt - r.dueAt);
    byKind.set(r.kind, list);
  }
  return Object.fromEntries([...byKind].map(([kind, values]) => [kind, summarize(values)]));
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)}` : '—');

/** Answer classes per bucket of `bucketSec` seconds, the most frequent classes as columns. */
function perBucketTable(perSecond: readonly Record<string, number>[], bucketSec: number) {
  const totals = new Map<string, number>();
  for (const s of perSecond) for (const [k, n] of Object.entries(s)) totals.set(k, (totals.get(k) ?? 0) + n);
  const columns = [...totals].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = columns.slice(0, 9);
  const rows: string[][] = [];
  for (let i = 0; i < perSecond.length; i += bucketSec) {
    const bucket = new Map<string, number>();
    for (const s of perSecond.slice(i, i + bucketSec))
      for (const [k, n] of Object.entries(s)) bucket.set(k, (bucket.get(k) ?? 0) + n);
    const other = columns.slice(9).reduce((sum, k) => sum + (bucket.get(k) ?? 0), 0);
    rows.push([`${i}–${i + bucketSec}`, ...shown.map((k) => String(bucket.get(k) ?? 0)), String(other)]);
  }
  return markdownTable(['s', ...shown, 'other'], rows);
}

export function renderMarkdown(report: SoakReport): string {
  const { machine } = report;
  const failing = report.invariants.filter((i) => !i.holds);
  const lines = [
    `# Soak results (${report.mode} run)`,
    '',
    `${machine.date} · ${machine.cpus} × ${machine.model} · ${machine.memoryGb} GB RAM · Node ${machine.node} · run took ${Math.round(report.wallSec)} s · load average ${machine.loadAverageAtStart} at start, ${report.loadAverageAtEnd} at end`,
    '',
    `**Seed ${report.seed}** · replay: \`${report.replay}\` · ${Object.entries(report.settings)
      .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' · ')}`,
    '',
    `Phases: warm-up until ${report.phases.warmupEndSec} s, chaos until ${report.phases.chaosEndSec} s, then faults stop and the load goes on until ${report.phases.runEndSec} s.`,
    '',
    failing.length === 0
      ? '**Every invariant held.**'
      : `**${failing.length} invariant(s) broken** — replay with \`${report.replay}\`.`,
    '',
    markdownTable(
      ['invariant', 'result', 'measured'],
      report.invariants.map((i) => [i.title, i.holds ? 'held' : '**broken**', i.summary]),
    ),
  ];
  for (const i of failing) {
    lines.push('', `### Broken: ${i.id}`, '', ...i.violations.map((v) => `- ${v}`));
  }
  lines.push(
    '',
    '### Answers by request kind',
    '',
    markdownTable(
      ['kind', 'answers', 'p50 ms', 'p99 ms', 'max ms', 'outcomes'],
      Object.entries(report.outcomes).map(([kind, outcomes]) => {
        const l = report.latencyMs[kind];
        return [
          kind,
          String(l?.count ?? 0),
          ms(l?.p50 ?? Number.NaN),
          ms(l?.p99 ?? Number.NaN),
          ms(l?.max ?? Number.NaN),
          Object.entries(outcomes)
            .sort((a, b) => b[1] - a[1])
            .map(([o, n]) => `${o} ${n}`)
            .join(', '),
        ];
      }),
    ),
    '',
    '### Fault timeline',
    '',
    markdownTable(
      ['planned s', 'ran s', 'action', 'result'],
      report.timeline.map((e) => [
        (e.at / 1000).toFixed(1),
        `${(e.startedAt / 1000).toFixed(1)}–${(e.endedAt / 1000).toFixed(1)}`,
        e.description,
        e.error ? `failed: ${e.error}` : 'done',
      ]),
    ),
    '',
    `### Answers by class, per ${report.mode === 'short' ? 5 : 10} seconds`,
    '',
    perBucketTable(report.answersPerSecond, report.mode === 'short' ? 5 : 10),
  );
  if (report.notes.length > 0) lines.push('', '### Notes', '', ...report.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
