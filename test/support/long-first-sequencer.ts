/**
 * Runs the longest test files first. Vitest orders files by the durations it cached in an
 * earlier run; a clean clone (CI) has none, so a two-minute file could start last and leave one
 * worker idle for most of its run. These files (measured by `.ci/run`, 2026-12-07: each over
 * 30 s) start first, longest first; every other file follows in Vitest's own order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  'test/soak/short.test.ts',
  'test/redis/rotation.test.ts',
  'test/redis/stampede.test.ts',
  'test/redis/sentinel-failover.test.ts',
  'test/redis/outage.test.ts',
  'test/fleet/quota.test.ts',
  'test/readme/deploy.test.ts',
  'test/redis/breaker-sync.test.ts',
  'test/worker/breaker.test.ts',
];

const rank = (file: string) => {
  const at = LONGEST_FIRST.findIndex((long) => file.endsWith(long));
  return at < 0 ? LONGEST_FIRST.length : at;
};

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // A stable sort: the files not listed keep Vitest's order.
    return [...sorted].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}
