/**
 * The soak's CI mode (`npm run soak -- --short`): about two minutes of mixed traffic at a fixed
 * rate through two gateway processes on a private Redis, with every simulator fault kind and the
 * process-level chaos that holds today injected on a fixed seed. Every invariant of the oracle
 * must hold; a failure names the broken invariants and the command that replays the run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SoakReport } from '../../bench/soak/report/render.ts';
import { hasRedis } from '../support/redis.ts';

const RUN = new URL('../../bench/soak/run.ts', import.meta.url).pathname;

function runSoak(out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN, '--short', '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

// hasRedis: the suite's Redis check also says redis-server is installed (the soak starts its own).
describe.runIf(hasRedis)('soak, short mode', () => {
  it('holds every invariant under seeded chaos', { timeout: 10 * 60_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'cg-soak-test-'));
    try {
      const { code, stderr } = await runSoak(out);
      const file = (await readdir(out)).find((f) => f.endsWith('-short.json'));
      expect(file, `no report written:\n${stderr}`).toBeDefined();
      const report = JSON.parse(await readFile(join(out, file!), 'utf8')) as SoakReport;
      const broken = report.invariants
        .filter((i) => !i.holds)
        .map((i) => `${i.id}: ${i.summary}\n  ${i.violations.join('\n  ')}`);
      expect(broken, `replay with: ${report.replay}`).toEqual([]);
      expect(code).toBe(0);
      // The run really was one: load answered throughout, chaos carried out.
      expect(report.answersPerSecond.length).toBeGreaterThan(90);
      expect(report.timeline.length).toBeGreaterThan(20);
      expect(report.timeline.filter((e) => e.error)).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
