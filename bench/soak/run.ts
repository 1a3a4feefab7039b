/**
 * `npm run soak`: a randomized-fault soak of the gateway fleet (see bench/soak/README.md).
 * Writes bench/results/soak-<date>[-short].json and .md (or into --out), prints the markdown,
 * and exits 1 when an invariant is broken, naming the seed that replays the run.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseOptions, USAGE } from './lib/options.ts';
import { renderMarkdown } from './report/render.ts';
import { runSoak } from './soak.ts';

const options = parseOptions(process.argv.slice(2));
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const started = performance.now();
const log = (message: string) =>
  console.error(`[soak ${Math.round((performance.now() - started) / 1000)}s] ${message}`);

const report = await runSoak(options, log);
const markdown = renderMarkdown(report);
const dir = options.outDir ? resolve(options.outDir) : new URL('../results/', import.meta.url).pathname;
await mkdir(dir, { recursive: true });
const stamp = report.machine.date.replaceAll(':', '-');
const suffix = options.mode === 'short' ? '-short' : '';
await writeFile(`${dir}/soak-${stamp}${suffix}.json`, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(`${dir}/soak-${stamp}${suffix}.md`, markdown);
await writeFile(`${dir}/latest-soak${suffix}.md`, markdown);
console.log(markdown);
if (report.passed) {
  log(`every invariant held (seed ${report.seed}); report in ${dir}`);
  // Logs of a passing run are not needed (a failing run keeps them, the report says where).
  if (!options.keepLogs) await rm(String(report.data.logDir), { recursive: true, force: true });
} else {
  const broken = report.invariants.filter((i) => !i.holds).map((i) => i.id);
  log(`BROKEN: ${broken.join(', ')} — seed ${report.seed}; replay with: ${report.replay}`);
  process.exitCode = 1;
}
