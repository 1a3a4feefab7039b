/**
 * The soak's own redis-server, on its own port (the machine's shared Redis on 6379 is never
 * touched): the chaos scheduler freezes it (SIGSTOP/SIGCONT) and restarts it with its data
 * (SHUTDOWN SAVE, then started on the dump) or without (kill -9, dump removed).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../lib/ports.ts';

export interface SoakRedis {
  url: string;
  port: number;
  pid(): number | undefined;
  freeze(): void;
  thaw(): void;
  /** Stops it with a save and starts it again on the same data. */
  restartKeepingData(downMs: number): Promise<void>;
  /** Kills it, removes its data, and starts it empty. */
  restartEmpty(downMs: number): Promise<void>;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('redis-cli', ['-p', String(port), ...args], { timeout: 5_000 }, (_error, stdout) =>
      resolve(String(stdout).trim()),
    );
  });
}

export async function startSoakRedis(): Promise<SoakRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'cg-soak-redis-'));
  let child: ChildProcess | undefined;
  let frozen = false;

  async function start(): Promise<void> {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = started;
    await waitFor(
      async () => started.exitCode === null && (await cli(port, 'ping')) === 'PONG',
      10_000,
      `redis-server on ${port} did not answer`,
    );
  }

  async function exitOf(running: ChildProcess, action: () => unknown): Promise<void> {
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    action();
    await exited;
  }

  function thawIfFrozen(): void {
    if (frozen && child?.pid) process.kill(child.pid, 'SIGCONT');
    frozen = false;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    freeze() {
      if (child?.pid && !frozen) {
        process.kill(child.pid, 'SIGSTOP');
        frozen = true;
      }
    },
    thaw: thawIfFrozen,
    async restartKeepingData(downMs) {
      thawIfFrozen();
      const running = child;
      if (running) await exitOf(running, () => cli(port, 'shutdown', 'save'));
      await sleep(downMs);
      await start();
    },
    async restartEmpty(downMs) {
      thawIfFrozen();
      const running = child;
      if (running) await exitOf(running, () => running.kill('SIGKILL'));
      await rm(join(dir, 'dump.rdb'), { force: true });
      await sleep(downMs);
      await start();
    },
    async dispose() {
      thawIfFrozen();
      const running = child;
      if (running) await exitOf(running, () => running.kill('SIGKILL'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
