/**
 * What the README's first command needs: a Node that can run the project, said at once when
 * it cannot, and a lockfile that every supported npm installs from without rewriting it.
 *
 * - `engines` is the real minimum: the newest minimum among the production dependencies (and
 *   type stripping, unflagged in Node 22.18).
 * - On an older Node (the system's, when it is one), `npm install` stops before installing
 *   anything and names the Node it needs, and `npm start` says in one line which Node to
 *   install and how.
 * - The lockfile lists every platform's optional packages (npm 11's `npm ci` refuses a lock
 *   without them) and carries no `libc` fields (npm 10 drops them, npm 11 keeps a lock
 *   without them as it is): `npm install` leaves it unchanged under both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, readmeBlock } from './readme.ts';

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map(Number);
  return [a, b, c];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
/** The lowest version a range such as ">=22.19", "^22.12.0 || ^24.0.0" or ">=20" admits. */
const lowest = (range: string): Version =>
  [...range.matchAll(/(\d+)(?:\.(\d+))?(?:\.(\d+))?/g)]
    .map((m) => [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] as Version)
    .sort(compare)[0]!;
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

const pkg = json(join(ROOT, 'package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const lock = json(join(ROOT, 'package-lock.json')) as {
  packages: Record<string, { optionalDependencies?: Record<string, string>; libc?: string[] }>;
};
/** Node 22.18 runs .ts files without a flag (type stripping). */
const TYPE_STRIPPING: Version = [22, 18, 0];

describe('the Node the project needs', () => {
  it('engines.node is the newest minimum of the production dependencies and of type stripping', () => {
    const minimums = Object.keys(pkg.dependencies).map((name) => {
      const engines = json(join(ROOT, 'node_modules', name, 'package.json')).engines?.node as
        | string
        | undefined;
      return { name, min: engines === undefined ? ([0, 0, 0] as Version) : lowest(engines) };
    });
    const needed = [...minimums.map((m) => m.min), TYPE_STRIPPING].sort(compare).at(-1)!;
    expect(lowest(pkg.engines.node)).toEqual(needed);
    expect(pkg.engines.node).toBe('>=22.19');
  });

  it('the README names the same minimum', () => {
    const [major, minor] = lowest(pkg.engines.node);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node ${major}.${minor} or newer`);
    expect(readmeBlock('start').code).toContain('npm install && npm start');
  });
});

/** A node binary on this machine older than engines allows, if there is one. */
function olderNode(): { path: string; version: string } | undefined {
  const candidates = new Set(['/usr/bin/node', '/usr/local/bin/node']);
  try {
    for (const p of execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n'))
      if (p) candidates.add(p);
  } catch {
    // no `which`
  }
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (version !== '' && compare(parse(version), lowest(pkg.engines.node)) < 0) return { path, version };
  }
  return undefined;
}

const old = olderNode();
if (!old)
  console.warn(
    '[skip] no Node older than package.json engines on this machine: the old-Node checks did not run',
  );

describe.runIf(old)(`on an older Node (${old?.version})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'old-node-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of ['package.json', 'package-lock.json', '.npmrc', 'scripts/check-node.cjs']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  // That Node first on PATH, as on a machine where it is the only one.
  const env = { ...process.env, PATH: `${dirname(old!.path)}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  const npm = (...args: string[]) =>
    spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });

  it('npm install stops at once, installs nothing, and names the Node it needs', () => {
    const result = npm('install', '--no-audit', '--no-fund');
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('EBADENGINE');
    expect(output).toContain(`"node":"${pkg.engines.node}"`);
    // Stopped before resolving anything: no dependency's engine warning, no node_modules.
    expect(output.split('\n').filter((l) => /EBADENGINE.*package:/.test(l))).toEqual([]);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('npm start says in one line which Node to install and how', () => {
    const result = npm('start');
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('carrier-gateway'));
    expect(lines).toEqual([
      `carrier-gateway needs Node 22.19 or newer, this is ${old!.version}: install Node 24 LTS (\`nvm install\` here reads .nvmrc, or https://nodejs.org/en/download)`,
    ]);
    expect(result.stderr + result.stdout).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toBe('24');
  });
});

describe('the lockfile', () => {
  it("lists every platform's optional packages of every locked package", () => {
    const locked = new Set(Object.keys(lock.packages));
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // Resolved as Node does: nested node_modules first, then each parent's.
        const parents = path.split('/node_modules/');
        const found = parents.some((_, i) =>
          locked.has(`${parents.slice(0, parents.length - i).join('/node_modules/')}/node_modules/${name}`),
        );
        if (!found && !locked.has(`node_modules/${name}`))
          missing.push(`${name} (of ${path || 'the project'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no libc fields (npm 10 would drop them, so npm install would rewrite the file)', () => {
    expect(
      Object.entries(lock.packages)
        .filter(([, e]) => e.libc !== undefined)
        .map(([p]) => p),
    ).toEqual([]);
  });

  it('is in sync with package.json: npm install would change nothing', () => {
    const result = spawnSync('npm', ['install', '--dry-run', '--no-audit', '--no-fund'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
  });
});
