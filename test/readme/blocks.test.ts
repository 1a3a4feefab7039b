/**
 * Every command block of the README is run by a test: each has a name, each name is run by a
 * test under test/readme/ (the name given literally to readmeBlock, runReadme or startReadme)
 * or listed in NOT_RUN_HERE with the reason,
 * and no test runs a block the README no longer has. See readme.ts for how to add one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandBlocks, NOT_RUN_HERE, readmeBlocks } from './readme.ts';

const testDir = new URL('./', import.meta.url);
/** How a test names the block it runs: readmeBlock, runReadme or startReadme with the name as a literal. */
const RUNS_BLOCK = /\b(?:readmeBlock|runReadme|startReadme)\('([a-z0-9.-]+)'\)/g;
/** Block names the tests of test/readme/ run, from their `readmeBlock('...')` calls. */
const runByTests = new Set(
  readdirSync(testDir)
    .filter((f) => f.endsWith('.test.ts') && f !== 'blocks.test.ts')
    .flatMap((f) => [...readFileSync(new URL(f, testDir), 'utf8').matchAll(RUNS_BLOCK)].map((m) => m[1]!)),
);

describe('README command blocks', () => {
  const blocks = commandBlocks();

  it('has command blocks, each with a name of its own', () => {
    expect(blocks.length).toBeGreaterThan(10);
    const unnamed = blocks.filter((b) => b.name === '').map((b) => `README.md:${b.line}`);
    expect(unnamed, 'command blocks without a name (write ```sh <name>)').toEqual([]);
    const names = readmeBlocks()
      .map((b) => b.name)
      .filter((n) => n !== '');
    expect(
      names.filter((n, i) => names.indexOf(n) !== i),
      'names used twice',
    ).toEqual([]);
  });

  it('each is run by a test under test/readme/, or says why it cannot run here', () => {
    const untested = blocks
      .filter((b) => !runByTests.has(b.name) && !(b.name in NOT_RUN_HERE))
      .map((b) => `${b.name} (README.md:${b.line})`);
    expect(untested, 'blocks no test runs: run each by its name in a test under test/readme/').toEqual([]);
    const both = blocks.filter((b) => runByTests.has(b.name) && b.name in NOT_RUN_HERE).map((b) => b.name);
    expect(both, 'run by a test and listed as not runnable').toEqual([]);
  });

  it('no test runs, and no exemption names, a block the README does not have', () => {
    const names = new Set(readmeBlocks().map((b) => b.name));
    expect([...runByTests, ...Object.keys(NOT_RUN_HERE)].filter((n) => !names.has(n))).toEqual([]);
  });
});
