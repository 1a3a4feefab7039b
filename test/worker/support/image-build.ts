/**
 * The Dockerfile's build steps, replayed outside Docker (there is no engine here): the deps
 * stage's `npm ci --omit=dev` in a temporary directory, then the runtime stage's COPY lines,
 * WORKDIR and ENV, so the test can start the image's CMD on the result.
 *
 * `npm ci` runs offline from the npm cache. If npm refuses the lockfile (it does when the
 * lock lacks other platforms' optional packages), the same production tree is materialised
 * from the lockfile instead: every non-dev package it lists, hard-linked from the local
 * install. Either way nothing outside the lockfile's production set is present.
 */
import { spawn } from 'node:child_process';
import { copyFile, link, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { ROOT } from '../../../scripts/build-worker.ts';
import { assignments, execForm, parseDockerfile, type Stage } from './dockerfile.ts';

export interface ImageBuild {
  /** The runtime stage's WORKDIR, replayed. */
  appDir: string;
  /** The runtime stage's ENV. */
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  /** How the production dependencies were installed. */
  install: { method: 'npm ci' } | { method: 'lockfile'; npmCiRefusal: string };
}

/** Why npm could not install offline here, when it is the machine and not the image: lock or cache. */
function environmentalRefusal(output: string): string | undefined {
  if (/can only install packages when your package\.json and package-lock\.json/.test(output)) {
    return `package-lock.json out of sync for npm ci:\n${output
      .split('\n')
      .filter((l) => /Missing:/.test(l))
      .join('\n')}`;
  }
  if (/ENOTCACHED/.test(output)) return 'a package of the lockfile is not in the offline npm cache';
  return undefined;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Lays a tree out at `to`: installed packages are hard-linked (same file system, no 100 MB
 * copy; nothing here writes to them), anything else is copied so the project's own files can
 * never be changed through the replica. `skip` prunes entries by name.
 */
async function linkTree(
  from: string,
  to: string,
  skip: (name: string) => boolean = () => false,
  hardLink = from.includes(`${sep}node_modules${sep}`),
): Promise<void> {
  const info = await stat(from);
  if (!info.isDirectory()) {
    await mkdir(dirname(to), { recursive: true });
    if (hardLink) await link(from, to).catch(() => copyFile(from, to));
    else await copyFile(from, to);
    return;
  }
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    if (skip(entry)) continue;
    await linkTree(join(from, entry), join(to, entry), () => false, hardLink);
  }
}

/** The production packages of package-lock.json, as `npm ci --omit=dev` would lay them out. */
async function materialiseFromLock(depsDir: string): Promise<void> {
  const lock = JSON.parse(await readFile(join(depsDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev) continue;
    const source = join(ROOT, path);
    const present = await stat(source).then(
      () => true,
      () => false,
    );
    if (!present) {
      if (entry.optional) continue; // another platform's binary
      throw new Error(`${path} is in the lockfile's production set but not installed locally`);
    }
    // Nested node_modules are separate lockfile entries: each is linked on its own.
    await linkTree(source, join(depsDir, path), (name) => name === 'node_modules');
  }
}

function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage;
}

export async function replayImageBuild(workDir: string): Promise<ImageBuild> {
  const stages = parseDockerfile(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  const dirs = new Map<string, string>();

  // Every build stage: WORKDIR, COPY from the context, RUN npm ci.
  let install: ImageBuild['install'] = { method: 'npm ci' };
  for (const stage of stages.slice(0, -1)) {
    const dir = join(workDir, stage.name ?? 'stage');
    dirs.set(stage.name ?? '', dir);
    await mkdir(dir, { recursive: true });
    for (const i of stage.instructions) {
      if (i.keyword === 'COPY') {
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const source of parts.slice(0, -1)) {
          await mkdir(dirname(join(dir, source)), { recursive: true });
          await copyFile(join(ROOT, source), join(dir, source));
        }
      }
      if (i.keyword === 'RUN') {
        // The image's install command as written, offline; its `npm cache clean` must not touch
        // this machine's cache. scripts/npm-ci.sh is `npm ci` with a documented fallback for a
        // lockfile that lacks other platforms' binaries.
        const install_ = i.args
          .split('&&')
          .map((c) => c.trim())
          .find((c) => c.startsWith('npm ci') || c.startsWith('sh scripts/npm-ci.sh'));
        if (!install_) continue;
        const [command = 'npm', ...rest] = install_.split(/\s+/);
        const result = await run(command, [...rest, '--offline'], dir);
        if (result.code !== 0) {
          const refusal = environmentalRefusal(result.output);
          if (refusal === undefined) throw new Error(`npm ci failed:\n${result.output}`);
          install = { method: 'lockfile', npmCiRefusal: refusal };
          await materialiseFromLock(dir);
        }
      }
    }
  }

  // The runtime stage: COPY --from=<stage> and COPY from the build context, into WORKDIR.
  const appDir = join(workDir, 'app');
  await mkdir(appDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const i of runtime.instructions) {
    if (i.keyword === 'ENV') for (const [k, v] of assignments(i)) env[k] = v;
    if (i.keyword !== 'COPY') continue;
    const from = /--from=(\S+)/.exec(i.args)?.[1];
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const rawDest = parts.at(-1)!;
    const dest = join(appDir, rawDest);
    for (const source of parts.slice(0, -1)) {
      const origin = from
        ? join(dirs.get(stageNamed(stages, from).name ?? '')!, source.replace(/^\/app\/?/, ''))
        : join(ROOT, source);
      // Docker: a directory's contents go into dest; a file goes into dest/ when dest ends with '/'.
      const isDir = (await stat(origin)).isDirectory();
      const target =
        !isDir && (rawDest.endsWith('/') || rawDest === '.') ? join(dest, basename(source)) : dest;
      await linkTree(origin, target);
    }
  }
  const cmd = execForm(runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args)!;
  const healthcheck = execForm(runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args)!;
  return { appDir, env, cmd, healthcheck, install };
}
