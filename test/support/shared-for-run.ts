/**
 * Resources made once per `vitest run` and shared by the test files that ask for them (a Redis
 * Cluster, a Sentinel set, the Worker bundle): the first file that asks makes it (a lock
 * directory decides which, across workers), the others wait for its record. The run's global
 * set-up (test/support/global-setup.ts) provides the directory and, at the end, kills each
 * resource's processes and removes its directories.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SHARED_DIR_KEY = 'sharedResourcesDir';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedResourcesDir: string;
  }
}

/** What the run's teardown needs of a shared resource. */
export interface SharedResource {
  pids: number[];
  dirs: string[];
}

/** The run's directory for shared resources, when the global set-up made one. */
export async function sharedDir(): Promise<string | undefined> {
  // Imported here: the global set-up (outside any worker) imports this file too.
  const { inject } = await import('vitest');
  try {
    return inject(SHARED_DIR_KEY) || undefined;
  } catch {
    return undefined;
  }
}

/** The run's resource `name`: made here if no other file has, else awaited (up to 2 minutes). */
export async function sharedForRun<T extends SharedResource>(
  dir: string,
  name: string,
  make: () => Promise<T>,
): Promise<T> {
  const record = join(dir, `${name}.json`);
  const failed = join(dir, `${name}.failed`);
  try {
    await mkdir(join(dir, `${name}.lock`));
  } catch {
    // Another file is making it: wait for its record (or its failure).
    for (let i = 0; i < 1_200; i++) {
      const text = await readFile(record, 'utf8').catch(() => undefined);
      if (text !== undefined) return JSON.parse(text) as T;
      const failure = await readFile(failed, 'utf8').catch(() => undefined);
      if (failure !== undefined) throw new Error(`the shared ${name} was not made: ${failure}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the shared ${name} was not made within 120 s`);
  }
  try {
    const made = await make();
    await writeFile(record, JSON.stringify(made));
    return made;
  } catch (error) {
    await writeFile(failed, String(error));
    throw error;
  }
}

/** Kills every shared resource's processes and removes its files (the global teardown). */
export async function releaseSharedResources(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as SharedResource;
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
