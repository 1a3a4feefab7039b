/**
 * Benchmark processes: every server and load generator runs in its own Node process, so the
 * one under measurement never shares an event loop with the one measuring it. A child is a
 * .ts module forked with an IPC channel; it announces itself with one 'ready' message and
 * then answers remote calls (see rpc.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ForkOptions {
  /** JSON-serialisable settings handed to the child as its first argument. */
  settings?: unknown;
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof']. */
  execArgv?: string[];
  /** How long the child may take to say it is ready. */
  readyTimeoutMs?: number;
}

export interface Child<Ready> {
  ready: Ready;
  pid: number;
  /** Calls a method the child registered with serveRpc. */
  call<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  /** Resolves with the child's exit code. */
  exited: Promise<number | null>;
  /** Asks the child to stop (SIGTERM, then SIGKILL after a grace period). */
  stop(graceMs?: number): Promise<void>;
}

interface Reply {
  type: 'reply';
  id: number;
  result?: unknown;
  error?: string;
}

const isReply = (m: unknown): m is Reply =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'reply';

export async function forkChild<Ready>(modulePath: URL, options: ForkOptions = {}): Promise<Child<Ready>> {
  const child: ChildProcess = fork(fileURLToPath(modulePath), [JSON.stringify(options.settings ?? {})], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: enough to explain a crash, never unbounded.
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on('message', (message: unknown) => {
    if (!isReply(message)) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  void exited.then((code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`child exited (${code}): ${stderr}`));
    pending.clear();
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${modulePath.pathname} not ready in time: ${stderr}`));
    }, options.readyTimeoutMs ?? 30_000);
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve((message as { ready: Ready }).ready);
    };
    child.on('message', onMessage);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${modulePath.pathname} exited (${code}) before ready: ${stderr}`));
    });
  });

  return {
    ready,
    pid: child.pid ?? -1,
    exited,
    call<T>(method: string, params?: unknown, timeoutMs = 600_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ type: 'call', id, method, params });
      });
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
