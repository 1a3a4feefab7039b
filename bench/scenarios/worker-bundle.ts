/**
 * Scenario 8: the Cloudflare Worker bundle's gzip size. Runs `npm run build:worker` when the
 * project has it, then gzips the largest JavaScript file the build wrote (level 9, as the
 * Workers size limit counts compressed size). Without the script, it is reported as not
 * measured.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { goalStatus, type Scenario, type ScenarioResult } from '../lib/report.ts';
import { fmt } from '../lib/stats.ts';

const LIMIT_KB = 300;
const ROOT = new URL('../../', import.meta.url).pathname;
/** Where bundlers usually write (wrangler --outdir, esbuild, the project's own dist/). */
const OUTPUT_DIRS = ['dist', 'build', '.wrangler', 'out'];

async function jsFilesUnder(dir: string, since: number): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !/\.(m?js)$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    if (info.mtimeMs >= since) found.push({ path, size: info.size });
  }
  return found;
}

const notMeasured = (why: string): ScenarioResult => ({
  id: 'worker-bundle',
  summary: [
    {
      scenario: 'Worker bundle',
      against: '—',
      measured: `not measured: ${why}`,
      goal: `≤ ${LIMIT_KB} KB gzip`,
      status: 'not measured',
    },
  ],
  details: [],
  notes: [],
  data: { measured: false, why },
});

export const workerBundle: Scenario = {
  id: 'worker-bundle',
  title: 'Worker bundle size',
  async run(ctx): Promise<ScenarioResult> {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const script = pkg.scripts?.['build:worker'];
    if (!script) return notMeasured('the project has no `build:worker` script yet');
    ctx.log(`worker bundle: npm run build:worker (${script})`);
    const since = Date.now() - 1_000;
    try {
      await promisify(execFile)('npm', ['run', '--silent', 'build:worker'], {
        cwd: ROOT,
        timeout: 180_000,
        maxBuffer: 16 * 2 ** 20,
      });
    } catch (error) {
      return notMeasured(`\`npm run build:worker\` failed (${(error as Error).message.split('\n')[0]})`);
    }
    const outputs = (await Promise.all(OUTPUT_DIRS.map((d) => jsFilesUnder(join(ROOT, d), since)))).flat();
    const bundle = outputs.sort((a, b) => b.size - a.size)[0];
    if (!bundle) return notMeasured(`the build wrote no .js file under ${OUTPUT_DIRS.join(', ')}`);
    const raw = await readFile(bundle.path);
    const gzipKb = gzipSync(raw, { level: 9 }).length / 1024;
    const relative = bundle.path.slice(ROOT.length);
    return {
      id: 'worker-bundle',
      summary: [
        {
          scenario: 'Worker bundle',
          against: '—',
          measured: `${fmt(gzipKb)} KB gzip (${fmt(raw.length / 1024)} KB raw, ${relative})`,
          goal: `≤ ${LIMIT_KB} KB gzip`,
          status: goalStatus(gzipKb <= LIMIT_KB),
        },
      ],
      details: [],
      notes: [],
      data: { measured: true, file: relative, rawBytes: raw.length, gzipBytes: Math.round(gzipKb * 1024) },
    };
  },
};
