/**
 * `npm run corpus`: replays the corpus, prints the per-carrier table and every missed fact,
 * and writes the JSON summary (default: corpus-summary.json in the system temp folder;
 * `--out <file>` to choose).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMisses, formatTable, replayCorpus, summarize } from './replay.ts';

const outFlag = process.argv.indexOf('--out');
const out =
  outFlag >= 0 && process.argv[outFlag + 1]
    ? process.argv[outFlag + 1]
    : join(tmpdir(), 'corpus-summary.json');

const summary = summarize(await replayCorpus());
console.log(formatTable(summary));
if (summary.misses.length > 0)
  console.log(`\nmissed facts (${summary.misses.length}):\n${formatMisses(summary)}`);
if (summary.unserved.length > 0)
  console.log(`\nentries whose recording was never asked for:\n${summary.unserved.join('\n')}`);
writeFileSync(out as string, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\nsummary written to ${out}`);
