/**
 * One gateway instance as the product starts it (`node src/runtime/node/main.ts`, a
 * configuration file and the environment), on a fixed port so a restart after `kill -9` comes
 * back where the load balancer expects it. Its resident memory and open file descriptors are
 * read from /proc, from outside the process.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../lib/ports.ts';
import { killHard, type Spawned, spawnNode, stopGently } from './spawn.ts';

export interface ProcessSample {
  at: number;
  instance: number;
  /** Which start of this instance (0 = the first; +1 after each restart). */
  generation: number;
  pid: number;
  rssMb: number;
  fds: number;
}

export interface SoakGateway {
  index: number;
  url: string;
  port: number;
  generation: number;
  pid(): number | undefined;
  running(): boolean;
  kill9(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  sample(): Promise<ProcessSample | undefined>;
  logFile: string;
}

async function procSample(pid: number): Promise<{ rssMb: number; fds: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    return { rssMb: rssKb / 1024, fds };
  } catch {
    return undefined;
  }
}

export function createSoakGateway(options: {
  index: number;
  port: number;
  configPath: string;
  env: Record<string, string>;
  logDir: string;
  readyTimeoutMs: number;
}): SoakGateway {
  const url = `http://127.0.0.1:${options.port}`;
  const logFile = join(options.logDir, `gateway-${options.index}.log`);
  let spawned: Spawned | undefined;
  let generation = -1;
  const alive = () =>
    spawned !== undefined && spawned.child.exitCode === null && spawned.child.signalCode === null;

  const gateway: SoakGateway = {
    index: options.index,
    url,
    port: options.port,
    get generation() {
      return generation;
    },
    pid: () => (alive() ? spawned?.child.pid : undefined),
    running: alive,
    async start() {
      generation += 1;
      const started = spawnNode(
        'src/runtime/node/main.ts',
        {
          ...options.env,
          GATEWAY_CONFIG: options.configPath,
          PORT: String(options.port),
          HOST: '127.0.0.1',
          GATEWAY_PUBLIC_URL: url,
        },
        logFile,
      );
      spawned = started;
      await waitFor(
        async () => {
          if (started.child.exitCode !== null) throw new Error(`gateway ${options.index} exited at start-up`);
          const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          await res.body?.cancel();
          return res.status === 200;
        },
        options.readyTimeoutMs,
        `gateway ${options.index} not ready (see ${logFile})`,
      );
    },
    async kill9() {
      if (spawned) await killHard(spawned);
    },
    async stop() {
      if (spawned) await stopGently(spawned);
    },
    async sample() {
      const pid = gateway.pid();
      if (pid === undefined) return undefined;
      const measured = await procSample(pid);
      return measured && { at: Date.now(), instance: options.index, generation, pid, ...measured };
    },
    logFile,
  };
  return gateway;
}
