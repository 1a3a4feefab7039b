/**
 * redis-server processes of the test's own, on free loopback ports, each in its own
 * directory (the machine's Redis on 6379 is shared and never touched). The building block of
 * the private Redis, the cluster, the sentinel set-up and the TLS server.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Whether a server answers PING (one attempt, no retries); `target` is options or a redis:// URL. */
export async function pings(target: RedisOptions | string): Promise<boolean> {
  const once: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  };
  const probe = typeof target === 'string' ? new Redis(target, once) : new Redis({ ...target, ...once });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

/** Runs redis-cli and resolves to its output (rejects with its stderr when it fails). */
export function redisCli(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('redis-cli', [...args], { timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

/** Polls `check` until it holds (a state, not a sleep); throws `what` at the deadline. */
export async function until(what: string, check: () => Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RedisProcess {
  port: number;
  dir: string;
  /** Its process id while it runs. */
  readonly pid: number | undefined;
  /** Whether it is running now. */
  readonly running: boolean;
  /** Starts it (again) with the same arguments; resolves once `ready` holds. */
  start(): Promise<void>;
  /** Sends a signal and, for a fatal one, waits until it is gone. */
  signal(name: NodeJS.Signals): Promise<void>;
  /** Stops it for good (SIGKILL) and removes its directory. */
  dispose(): Promise<void>;
}

export interface RedisProcessOptions {
  port: number;
  dir: string;
  /** redis-server arguments after the port and directory. */
  args: readonly string[];
  /** `--sentinel` or not. */
  sentinel?: boolean;
  /** A configuration file to start from (sentinel needs one it may rewrite). */
  configFile?: string;
  /** When it counts as started. */
  ready(): Promise<boolean>;
}

export async function startRedisProcess(options: RedisProcessOptions): Promise<RedisProcess> {
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    const args = [
      ...(options.configFile ? [options.configFile] : []),
      ...(options.sentinel ? ['--sentinel'] : []),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dir,
      ...options.args,
    ];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    await until(`redis-server on ${options.port}`, async () => {
      if (started.exitCode !== null) throw new Error(`redis-server on ${options.port} exited`);
      return options.ready();
    });
  }

  async function signal(name: NodeJS.Signals): Promise<void> {
    const running = child;
    if (!running || !alive()) return;
    const fatal = name === 'SIGKILL' || name === 'SIGTERM';
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(name);
    if (fatal) await exited;
  }

  await start();
  return {
    port: options.port,
    dir: options.dir,
    get pid() {
      return alive() ? child?.pid : undefined;
    },
    get running() {
      return alive();
    },
    start,
    signal,
    async dispose() {
      await signal('SIGKILL');
      await rm(options.dir, { recursive: true, force: true });
    },
  };
}
