/**
 * Once per `vitest run`: a directory where the suites share a Redis Cluster and a Sentinel set
 * (test/redis/support/shared-topologies.ts), stopped when the run ends.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { SHARED_DIR_KEY, stopSharedTopologies } from '../redis/support/shared-topologies.ts';

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'cg-shared-topologies-'));
  project.provide(SHARED_DIR_KEY, dir);
  return () => stopSharedTopologies(dir);
}
