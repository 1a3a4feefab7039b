/**
 * The README's command blocks, as tests run them. Every command block (```sh, ```bash,
 * ```shell, ```console) carries a name in its info string, ```sh first-rate, and a test under
 * test/readme/ runs it by that name, written literally: `readmeBlock('first-rate')` (or a
 * helper named runReadme or startReadme taking the name). blocks.test.ts fails for
 * a command block without a name, for a name no test runs, and for a name no block has; the
 * few blocks that cannot run here are listed in NOT_RUN_HERE with the reason and what covers
 * them instead.
 *
 * To add a tested block: write it in the README with a new name, then run it in a test
 * (usually beside the blocks of the same section) and assert what the README says it does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const COMMAND_LANGUAGES: ReadonlySet<string> = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

/** Blocks no test can run here: why, and what exercises them instead. */
export const NOT_RUN_HERE: Readonly<Record<string, string>> = {
  'test-suite': 'it is the suite these tests belong to (`bash .ci/run` runs it on a clean clone)',
  docker: 'there is no Docker engine here: test/worker/docker.test.ts replays the Dockerfile outside Docker',
  'worker-deploy': 'it needs a Cloudflare account (wrangler secret put and deploy upload to it)',
};

export interface ReadmeBlock {
  /** The fence's language (sh, json, text...). */
  language: string;
  /** The second word of the info string; '' when the block has none. */
  name: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function readmeBlocks(text = readFileSync(README, 'utf8')): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`README.md:${i + 1}: unclosed code block`);
    blocks.push({
      language: open[1]!,
      name: open[2]!,
      code: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
    });
    i = end;
  }
  return blocks;
}

export const commandBlocks = (): ReadmeBlock[] =>
  readmeBlocks().filter((b) => COMMAND_LANGUAGES.has(b.language));

/** The README block with this name (command or not); throws when the README has none. */
export function readmeBlock(name: string): ReadmeBlock {
  const found = readmeBlocks().filter((b) => b.name === name);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks named '${name}'`);
  return found[0]!;
}

export interface BlockRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BlockOptions {
  /** Variables as a reader's shell would have them (exported by an earlier step). */
  env?: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
}

/** The environment a block runs in: this process's, with the reader's variables over it. */
function blockEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...env, NO_COLOR: '1', WRANGLER_SEND_METRICS: 'false' };
}

/** Runs a block in bash as a reader pasting it would (stopping at the first failing command). */
export function runBlock(block: ReadmeBlock, options: BlockOptions): Promise<BlockRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', block.code], {
      cwd: options.cwd,
      env: blockEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      killGroup(child);
      reject(
        new Error(
          `README block '${block.name}' did not finish in ${options.timeoutMs ?? 60_000} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A block that keeps running (a server): its output so far, waiting for a line, stopping it. */
export interface RunningBlock {
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the block exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM to the whole process group, then waits for the shell to exit (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function startBlock(block: ReadmeBlock, options: BlockOptions): RunningBlock {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', block.code], {
    cwd: options.cwd,
    env: blockEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (c: Buffer) => {
    output += c.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    output: () => output,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`README block '${block.name}': no ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`README block '${block.name}' exited (${code}) before ${pattern}:\n${output}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', onExit);
        };
        listeners.add(check);
        child.once('close', onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      killGroup(child);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Every JSON value in `text`, in order (curl prints answers back to back, without newlines). */
export function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if ((ch === '}' || ch === ']') && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // brackets in plain text, not JSON
        }
      }
    }
  }
  return values;
}
