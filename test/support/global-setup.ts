/**
 * Once per `vitest run`: a directory where the suites share a Redis Cluster, a Sentinel set
 * and the Worker bundle (test/support/shared-for-run.ts), released when the run ends.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { releaseSharedResources, SHARED_DIR_KEY } from './shared-for-run.ts';

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'cg-shared-topologies-'));
  project.provide(SHARED_DIR_KEY, dir);
  return () => releaseSharedResources(dir);
}
