/**
 * The README's monitoring steps with the real promtool: the rule files check and their unit
 * tests pass, exactly as a reader runs them from the repository root.
 */
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMTOOL, requirePrometheusTools } from '../monitoring/support/live-gateway.ts';
import { ROOT, readmeBlock, runBlock } from './readme.ts';

describe.runIf(requirePrometheusTools())('README: monitoring', () => {
  it('promtool checks the rules and passes their tests', async () => {
    const run = await runBlock(readmeBlock('promtool-rules'), {
      cwd: ROOT,
      env: { PATH: `${dirname(PROMTOOL)}:${process.env.PATH ?? ''}` },
      timeoutMs: 120_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS/);
  }, 150_000);
});
