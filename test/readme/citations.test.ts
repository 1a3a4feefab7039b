/**
 * Sources a reader can follow: no file of the repository cites a folder outside it (a machine's
 * reference folder, by absolute or relative path). Code, comments, docs and fixtures cite the
 * public source instead: a URL, or owner/repo@commit:path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './readme.ts';

const OUTSIDE = [
  /\/work\//,
  /shared\/reference/,
  /\breference\/(?:specs|carriers|oauth|gateway|multi)/,
  /\bcarriers\.md\b/,
];
const TEXT = /\.(?:ts|js|cjs|mjs|md|json|ya?ml|toml|txt|sh)$|^Dockerfile$|^\.ci\/run$/;

describe('citations', () => {
  it('no file cites a path outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(
        (f) => TEXT.test(f) && f !== 'test/readme/citations.test.ts' && !f.startsWith('bench/results/'),
      );
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the working tree
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });
});
