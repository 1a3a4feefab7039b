/**
 * Runs loads in the load-generator process. One such process is started on first use and
 * reused (starting Node, autocannon and undici for each run would cost more than a quick
 * run's loads); closeLoad() ends it. Runs never overlap: callers await each one.
 */
import type { LoadOptions, LoadResult } from '../processes/load.ts';
import { type Child, forkChild } from './child.ts';

export type { LoadOptions, LoadResult, TimelineEvent } from '../processes/load.ts';

let generator: Promise<Child<{ pid: number }>> | undefined;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  generator ??= forkChild<{ pid: number }>(new URL('../processes/load.ts', import.meta.url));
  const child = await generator;
  return child.call<LoadResult>('run', options, (options.durationSec + 120) * 1000);
}

export async function closeLoad(): Promise<void> {
  const child = await generator?.catch(() => undefined);
  generator = undefined;
  await child?.stop();
}
