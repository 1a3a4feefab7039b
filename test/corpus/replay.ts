/**
 * Replays the whole corpus and scores it: facts right / total per carrier and operation, and
 * every miss with what the adapter gave instead.
 */
import { checkFact, type FactResult } from './check.ts';
import { type LoadedEntry, loadCorpus } from './load.ts';
import { startReplayServer } from './replay-server.ts';
import { replay } from './run.ts';
import type { Operation } from './schema.ts';

export interface EntryResult {
  id: string;
  carrier: string;
  operation: Operation;
  facts: FactResult[];
  /** Requests no recorded answer matched (the adapter called something the entry does not hold). */
  unanswered: string[];
  /** Whether the adapter asked for the entry's own recorded response (its settings lead there). */
  servedOwn: boolean;
}

export interface Score {
  right: number;
  total: number;
}

export interface CorpusSummary {
  responses: number;
  overall: Score;
  carriers: Record<
    string,
    { responses: number; score: Score; operations: Partial<Record<Operation, Score>> }
  >;
  misses: { id: string; fact: string; got: string; unanswered: string[] }[];
  /** Entries whose own recorded response the adapter never asked for (their settings lead elsewhere). */
  unserved: string[];
}

export async function replayCorpus(entries: LoadedEntry[] = loadCorpus()): Promise<EntryResult[]> {
  const server = await startReplayServer();
  const results: EntryResult[] = [];
  try {
    for (const entry of entries) {
      const { outcome, seen } = await replay(entry, server);
      results.push({
        id: entry.id,
        carrier: entry.carrier.id,
        operation: entry.entry.operation,
        facts: entry.entry.facts.map((fact) => checkFact(fact, outcome, seen)),
        unanswered: seen.filter((s) => s.answeredBy === undefined).map((s) => `${s.method} ${s.path}`),
        servedOwn: seen.some((s) => s.answeredBy === entry.response.body),
      });
    }
  } finally {
    await server.close();
  }
  return results;
}

const add = (score: Score, right: number, total: number) => {
  score.right += right;
  score.total += total;
};

export function summarize(results: EntryResult[]): CorpusSummary {
  const summary: CorpusSummary = {
    responses: results.length,
    overall: { right: 0, total: 0 },
    carriers: {},
    misses: [],
    unserved: results.filter((r) => !r.servedOwn).map((r) => r.id),
  };
  for (const r of results) {
    const right = r.facts.filter((f) => f.ok).length;
    const total = r.facts.length;
    const carrier = summary.carriers[r.carrier] ?? {
      responses: 0,
      score: { right: 0, total: 0 },
      operations: {},
    };
    summary.carriers[r.carrier] = carrier;
    carrier.responses += 1;
    add(carrier.score, right, total);
    const operation = carrier.operations[r.operation] ?? { right: 0, total: 0 };
    carrier.operations[r.operation] = operation;
    add(operation, right, total);
    add(summary.overall, right, total);
    for (const f of r.facts.filter((x) => !x.ok)) {
      summary.misses.push({ id: r.id, fact: JSON.stringify(f.fact), got: f.got, unanswered: r.unanswered });
    }
  }
  return summary;
}

const pct = (s: Score) => (s.total === 0 ? '-' : `${((100 * s.right) / s.total).toFixed(1)} %`);
const cell = (s: Score | undefined) => (s ? `${s.right}/${s.total}` : '');

/** The per-carrier table: responses, facts right / total per operation, and overall. */
export function formatTable(summary: CorpusSummary): string {
  const ops: Operation[] = ['token', 'rate', 'label', 'track', 'error'];
  const head = ['carrier', 'responses', ...ops, 'facts', 'ratio'];
  const rows = Object.entries(summary.carriers).map(([id, c]) => [
    id,
    String(c.responses),
    ...ops.map((op) => cell(c.operations[op])),
    cell(c.score),
    pct(c.score),
  ]);
  rows.push([
    'all',
    String(summary.responses),
    ...ops.map(() => ''),
    cell(summary.overall),
    pct(summary.overall),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatMisses(summary: CorpusSummary): string {
  return summary.misses
    .map(
      (m) =>
        `${m.id}: ${m.fact}\n    got: ${m.got}${m.unanswered.length ? `\n    unanswered: ${m.unanswered.join(', ')}` : ''}`,
    )
    .join('\n');
}
