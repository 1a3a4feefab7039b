/**
 * `npm run bench`: every scenario in turn, then a markdown table on stdout, the raw figures
 * in bench/results/<date>[-quick].json and the table in bench/results/latest[-quick].md.
 * A scenario that fails is reported as such; the others still run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs, USAGE } from './lib/args.ts';
import { closeLoad } from './lib/load.ts';
import { describeMachine } from './lib/machine.ts';
import { renderReport, type Scenario, type ScenarioResult } from './lib/report.ts';
import { SCENARIOS } from './scenarios/index.ts';

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(`${USAGE}\n\nscenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  process.exit(0);
}
const unknown = args.only.filter((id) => !SCENARIOS.some((s) => s.id === id));
if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
const selected: readonly Scenario[] = args.only.length
  ? SCENARIOS.filter((s) => args.only.includes(s.id))
  : SCENARIOS;

const started = performance.now();
const machine = describeMachine();
const mode = args.quick ? 'quick' : 'full';
const profileDir = `${tmpdir()}/carrier-gateway-bench-profiles`;
const elapsed = () => `${Math.round((performance.now() - started) / 1000)}s`;
const log = (message: string) => console.error(`[bench ${elapsed()}] ${message}`);

const results: ScenarioResult[] = [];
for (const scenario of selected) {
  log(`${scenario.id}: ${scenario.title}`);
  try {
    results.push(
      await scenario.run({ quick: args.quick, profile: args.profile || !args.quick, profileDir, log }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${scenario.id} failed: ${message}`);
    results.push({
      id: scenario.id,
      summary: [
        {
          scenario: scenario.title,
          against: '—',
          measured: `scenario failed: ${message.split('\n')[0]}`,
          goal: '—',
          status: 'not measured',
        },
      ],
      details: [],
      notes: [],
      data: { error: message },
    });
  }
}

await closeLoad();
const wallSec = (performance.now() - started) / 1000;
const loadAverageAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
const markdown = renderReport({ machine, mode, wallSec, loadAverageAtEnd, results });
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
const stamp = machine.date.replaceAll(':', '-');
const suffix = args.quick ? '-quick' : '';
await writeFile(
  new URL(`${stamp}${suffix}.json`, dir),
  `${JSON.stringify({ mode, machine, wallSec, loadAverageAtEnd, results }, null, 2)}\n`,
);
// A partial run (--only) never replaces the latest complete table.
if (args.only.length === 0) await writeFile(new URL(`latest${suffix}.md`, dir), markdown);
console.log(markdown);
log(`done in ${Math.round(wallSec)} s; results in bench/results/`);
