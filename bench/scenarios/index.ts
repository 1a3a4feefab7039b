/** Every benchmark scenario, in the order of the table. */
import type { Scenario } from '../lib/report.ts';
import { clusterStampede } from './cluster-stampede.ts';
import { failover } from './failover.ts';
import { hotPath } from './hot-path.ts';
import { scale } from './scale.ts';
import { stampede } from './stampede.ts';
import { steady } from './steady.ts';
import { tokenLoad } from './token-load.ts';
import { workerBundle } from './worker-bundle.ts';

export const SCENARIOS: readonly Scenario[] = [
  hotPath,
  stampede,
  clusterStampede,
  failover,
  tokenLoad,
  scale,
  steady,
  workerBundle,
];
