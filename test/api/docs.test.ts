/** docs/errors.md documents the catalog exactly (it is what the README's Errors section quotes). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_TABLE } from '../../src/api/problems.ts';

describe('docs/errors.md', () => {
  it('lists every problem type with its status and title, and no other', () => {
    const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...markdown.matchAll(/^\| `\/problems\/([a-z-]+)`\s*\| (\d{3})\s*\| ([^|]+?)\s*\|/gm)].map(
      (m) => [m[1], Number(m[2]), m[3]?.trim()],
    );
    expect(rows).toEqual(PROBLEM_TABLE.map((p) => [p.name, p.status, p.title]));
  });
});
