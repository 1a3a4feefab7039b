/**
 * One Redis Cluster and one Sentinel set for a whole `vitest run`, shared by the suites that
 * only read and write keys (each under its own namespace): starting a sentinel set costs about
 * 8 s (the sentinels discover each other by hello messages every 2 s), a cluster about 2 s, and
 * a dozen suites run on both. The first suite that asks starts it (a lock directory decides
 * which, across workers); the others wait for its address. The run's global set-up
 * (test/support/global-setup.ts) stops them at the end. Suites that stop, kill or count
 * errors on their nodes start their own (`startTopology(kind, { own: true })`).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCluster } from './cluster.ts';
import { MASTER_NAME, startSentinels } from './sentinel.ts';
import type { StoreTarget } from './topologies.ts';

export const SHARED_DIR_KEY = 'sharedTopologiesDir';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedTopologiesDir: string;
  }
}

/** What the suites need of a shared topology, and what the run needs to stop it. */
interface SharedRecord {
  target: StoreTarget;
  nodes: string[];
  pids: number[];
  dirs: string[];
}

/** The run's directory for shared topologies, when the global set-up made one. */
export async function sharedDir(): Promise<string | undefined> {
  // Imported here: the global set-up (outside any worker) imports this file too.
  const { inject } = await import('vitest');
  try {
    return inject(SHARED_DIR_KEY) || undefined;
  } catch {
    return undefined;
  }
}

async function start(kind: 'cluster' | 'sentinel'): Promise<SharedRecord> {
  if (kind === 'cluster') {
    const cluster = await startCluster();
    return {
      target: { url: `redis://${cluster.nodes.join(',')}` },
      nodes: cluster.nodes,
      pids: cluster.processes.flatMap((p) => (p.pid ? [p.pid] : [])),
      dirs: cluster.processes.map((p) => p.dir),
    };
  }
  // Slow to call a primary down: a busy machine must not cause a failover nobody asked for.
  const set = await startSentinels(5_000);
  const processes = [...set.data, ...set.sentinelProcesses];
  return {
    target: { url: `redis://${set.sentinels.join(',')}`, sentinel: { masterName: MASTER_NAME, nodes: [] } },
    nodes: [await set.primary()],
    pids: processes.flatMap((p) => (p.pid ? [p.pid] : [])),
    dirs: processes.map((p) => p.dir),
  };
}

/** The run's shared topology of `kind`: started here if no other suite has, else awaited. */
export async function sharedTopology(dir: string, kind: 'cluster' | 'sentinel'): Promise<SharedRecord> {
  const record = join(dir, `${kind}.json`);
  const failed = join(dir, `${kind}.failed`);
  try {
    await mkdir(join(dir, `${kind}.lock`));
  } catch {
    // Another suite is starting it: wait for its address (or its failure).
    for (let i = 0; i < 1_200; i++) {
      const text = await readFile(record, 'utf8').catch(() => undefined);
      if (text !== undefined) return JSON.parse(text) as SharedRecord;
      const failure = await readFile(failed, 'utf8').catch(() => undefined);
      if (failure !== undefined) throw new Error(`the shared ${kind} did not start: ${failure}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the shared ${kind} was not started within 120 s`);
  }
  try {
    const started = await start(kind);
    await writeFile(record, JSON.stringify(started));
    return started;
  } catch (error) {
    await writeFile(failed, String(error));
    throw error;
  }
}

/** Stops every shared topology of the run and removes its files (the global teardown). */
export async function stopSharedTopologies(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as SharedRecord;
    for (const pid of record.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.all(record.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
  await rm(dir, { recursive: true, force: true });
}
