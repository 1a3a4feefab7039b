/**
 * The Dockerfile's build steps, replayed outside Docker (there is no engine here): the deps
 * stage's `npm ci --omit=dev` in a temporary directory, then the runtime stage's COPY lines,
 * WORKDIR and ENV, so the test can start the image's CMD on the result.
 *
 * `npm ci` runs as written, preferring the local npm cache (the suite runs after `npm ci`,
 * so every package is there); a refusal fails the build, as it would fail `docker build`.
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
        // The image's install command as written; its `npm cache clean` must not touch this
        // machine's cache.
        const install = i.args
          .split('&&')
          .map((c) => c.trim())
          .find((c) => c.startsWith('npm ci'));
        if (!install) continue;
        const [command = 'npm', ...rest] = install.split(/\s+/);
        const result = await run(command, [...rest, '--prefer-offline'], dir);
        if (result.code !== 0) throw new Error(`${install} failed:\n${result.output}`);
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
  return { appDir, env, cmd, healthcheck };
}
