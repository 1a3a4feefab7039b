/**
 * Corpus replay (issue 16): real recorded carrier answers, each served by a real HTTP server at
 * the path the adapter calls and read through the gateway's real upstream path, must yield the
 * facts a correct client extracts. Acceptance: at least 60 responses, at least 97 % of facts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers } from '../../carriers/index.ts';
import { type LoadedEntry, loadCorpus } from './load.ts';
import {
  type CorpusSummary,
  type EntryResult,
  formatMisses,
  formatTable,
  replayCorpus,
  summarize,
} from './replay.ts';
import { startReplayServer } from './replay-server.ts';
import { replay } from './run.ts';

const MIN_RESPONSES = 60;
const MIN_RATIO = 0.97;

describe('corpus of recorded carrier responses', () => {
  let entries: LoadedEntry[];
  let results: EntryResult[];
  let summary: CorpusSummary;

  beforeAll(async () => {
    entries = loadCorpus();
    results = await replayCorpus(entries);
    summary = summarize(results);
    console.log(
      `${formatTable(summary)}\n\nmissed facts (${summary.misses.length}):\n${formatMisses(summary)}`,
    );
  }, 120_000);

  it('holds every registered carrier, each entry with its provenance and body', () => {
    const withEntries = new Set(entries.map((e) => e.carrier.id));
    expect([...withEntries].sort()).toEqual(carriers.map((c) => c.id).sort());
    for (const e of entries) {
      expect(e.entry.source.origin, e.id).toMatch(/^(https:\/\/|[\w.-]+\/[\w.-]+@[0-9a-f]{40}:)/);
      expect(e.response.bytes.byteLength, e.id).toBeGreaterThan(0);
    }
  });

  it("the README's carrier table gives each carrier's corpus size", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const lines = readme.slice(readme.indexOf('## Carriers')).split('\n');
    const first = lines.findIndex((line) => line.startsWith('| id'));
    const table = lines.slice(first, lines.indexOf('', first));
    const rows = table.filter((line) => /^\| `[a-z-]+`/.test(line));
    const header = table[0];
    const column = header?.split('|').findIndex((cell) => cell.trim() === 'corpus') ?? -1;
    expect(column, 'a corpus column').toBeGreaterThan(0);
    const documented = Object.fromEntries(
      rows.map((row) => {
        const cells = row.split('|');
        return [cells[1]?.trim().replace(/`/g, ''), Number(cells[column]?.trim())];
      }),
    );
    const counted: Record<string, number> = {};
    for (const e of entries) counted[e.carrier.id] = (counted[e.carrier.id] ?? 0) + 1;
    expect(documented).toEqual(counted);
  });

  it(`has at least ${MIN_RESPONSES} recorded responses`, () => {
    expect(entries.length).toBeGreaterThanOrEqual(MIN_RESPONSES);
  });

  it('answers each entry from its own recording (the harness serves what the adapter calls)', () => {
    for (const r of results) {
      expect(r.facts.length, r.id).toBeGreaterThan(0);
      // An entry whose account settings lead the adapter elsewhere scores an answer it never read.
      expect(r.servedOwn, `${r.id}: its recorded response was never asked for`).toBe(true);
    }
  });

  it(`gets at least ${MIN_RATIO * 100} % of the facts right`, () => {
    const ratio = summary.overall.right / summary.overall.total;
    expect(ratio, `${summary.overall.right}/${summary.overall.total} facts right`).toBeGreaterThanOrEqual(
      MIN_RATIO,
    );
  });
});

describe('corpus replay harness', () => {
  let server: Awaited<ReturnType<typeof startReplayServer>>;
  beforeAll(async () => {
    server = await startReplayServer();
  });
  afterAll(() => server.close());

  it('fails a fact when the recorded answer is not the one served (the check can fail)', async () => {
    const [first] = loadCorpus().filter((e) => e.entry.operation === 'rate');
    if (!first) throw new Error('the corpus has no rate entry');
    const swapped: LoadedEntry = {
      ...first,
      response: { ...first.response, bytes: new TextEncoder().encode('{"unrelated":true}') },
    };
    const { outcome, seen } = await replay(swapped, server);
    expect(outcome.ok).toBe(false);
    expect(seen.some((s) => s.answeredBy === first.response.body)).toBe(true);
  });
});
