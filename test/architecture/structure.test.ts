/**
 * The structure the design promises, checked on the source itself: thin runtime entries,
 * no oversized function in health, health and the API independent of each other, and a
 * production start that never loads the sandbox (it is imported dynamically, in sandbox
 * mode only).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const lines = (path: string) => read(path).split('\n').length;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Static imports only (`import ... from`, `export ... from`); `import()` is not one. */
function staticImports(path: string): string[] {
  const found = [...read(path).matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map(
    (m) => m[1]!,
  );
  return found.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(ROOT, dirname(path), s)));
}

/** Every file a module loads statically, itself included. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const next of staticImports(path)) visit(next);
  };
  visit(entry);
  return seen;
}

/**
 * Lengths of the function declarations of a file, by matching braces (strings, template
 * literals and comments skipped): enough for this code base's style.
 */
function functionLengths(path: string): { name: string; line: number; lines: number }[] {
  const text = read(path);
  const out: { name: string; line: number; lines: number }[] = [];
  for (const match of text.matchAll(/\bfunction\s*\*?\s*([A-Za-z0-9_$]*)\s*(?:<[^>]*>)?\s*\(/g)) {
    const open = findBody(text, match.index + match[0].length - 1);
    if (open === undefined) continue;
    const close = matchBrace(text, open);
    const line = text.slice(0, match.index).split('\n').length;
    out.push({
      name: match[1] || '(anonymous)',
      line,
      lines: text.slice(match.index, close).split('\n').length,
    });
  }
  return out;
}

/** The `{` of the body after a parameter list that opens at `paren`. */
function findBody(text: string, paren: number): number | undefined {
  let depth = 0;
  for (let i = paren; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '{' && depth === 0) return i;
    else if (c === ';' && depth === 0) return undefined; // an overload signature
  }
  return undefined;
}

function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i) + 1;
    else if (c === "'" || c === '"' || c === '`') i = skipString(text, i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return text.length;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (quote === '`' && text[i] === '$' && text[i + 1] === '{') i = matchBrace(text, i + 1);
  }
  return text.length;
}

describe('structure', () => {
  it('the runtime entries are thin: each under ~150 lines', () => {
    for (const entry of ['src/runtime/node/main.ts', 'src/runtime/worker/index.ts']) {
      expect(lines(entry), entry).toBeLessThanOrEqual(150);
    }
  });

  it('no function in src/health is over ~150 lines', () => {
    const long = filesUnder('src/health')
      .flatMap((path) => functionLengths(path).map((f) => ({ ...f, path })))
      .filter((f) => f.lines > 150)
      .map((f) => `${f.path}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('the measure sees a long function (it can fail)', () => {
    const body = Array.from({ length: 160 }, (_, i) => `  const v${i} = '}{';`).join('\n');
    const text = `export function long(a: { b: number }) {\n${body}\n}\n`;
    const open = findBody(text, text.indexOf('('));
    expect(open).toBeDefined();
    expect(text.slice(0, matchBrace(text, open!)).split('\n').length).toBeGreaterThan(150);
  });

  it('health and the API do not import each other', () => {
    const crossing = (from: string, to: string) =>
      filesUnder(from).flatMap((path) =>
        staticImports(path)
          .filter((target) => target.startsWith(`${to}/`))
          .map((target) => `${path} -> ${target}`),
      );
    expect(crossing('src/health', 'src/api')).toEqual([]);
    expect(crossing('src/api', 'src/health')).toEqual([]);
  });

  it('a production start does not load the sandbox: it is imported only in sandbox mode', () => {
    const loaded = [...closure('src/runtime/node/main.ts')];
    expect(loaded.length).toBeGreaterThan(20);
    expect(loaded.filter((path) => path.startsWith('sandbox/'))).toEqual([]);
    // The sandbox is still reachable, dynamically, for `npm start` without configuration.
    expect(read('src/runtime/node/main.ts')).toMatch(/await import\('\.\.\/\.\.\/\.\.\/sandbox\/mode\.ts'\)/);
    expect([...closure('src/runtime/worker/index.ts')].filter((p) => p.startsWith('sandbox/'))).toEqual([]);
  });
});
