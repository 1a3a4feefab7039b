/**
 * What an operator sees of the topology, on a single server and on a cluster (the sentinel
 * failover test checks the same after a failover): `/readyz`'s shared-store line names the
 * topology, the primaries and the failovers seen, and the gauges say the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { openSharedState, type SharedState } from '../../src/runtime/node/shared-state.ts';
import { hasRedis, REDIS_URL, TEST_KEY, testNamespace } from '../support/redis.ts';
import { installTestTelemetry } from '../telemetry/support/otel.ts';
import { startTopology, type Topology, topologies } from './support/topologies.ts';

const telemetry = installTestTelemetry();
const quiet = createLogger({ level: 'error', write: () => undefined });

describe.runIf(hasRedis).each(topologies('single', 'cluster'))(
  '%s: topology in readiness and metrics',
  (kind) => {
    let topology: Topology;
    let shared: SharedState;
    beforeAll(async () => {
      topology = await startTopology(kind);
      shared = await openSharedState(
        { ...topology.target, namespace: testNamespace('status'), encryptionKeys: [TEST_KEY] },
        quiet,
      );
    }, 60_000);
    afterAll(async () => {
      await shared?.close();
      await topology?.dispose();
    });

    it('readiness names the topology and its primaries; the gauges agree', async () => {
      const primaries =
        kind === 'cluster'
          ? [...topology.nodes].sort()
          : [REDIS_URL.replace(/^redis:\/\//, '').replace(/\/.*$/, '')];
      // Ready as soon as a ping answers (on a busy machine a first ping may time out).
      let report = await shared.readiness();
      for (let i = 0; i < 50 && report.status !== 'ready'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        report = await shared.readiness();
      }
      expect(report.status).toBe('ready');
      expect(report.checks.sharedStore).toEqual({
        ok: true,
        detail: `redis ${kind}: ${kind === 'cluster' ? 'primaries' : 'primary'} ${primaries.join(', ')}; failovers seen: 0`,
      });
      // This file's earlier topologies stay in the export (an SDK keeps every series it saw).
      const points = (await telemetry.points()).filter(
        (p) => p.attributes['gateway.store.topology'] === kind,
      );
      expect(
        points
          .filter((p) => p.name === 'gateway.store.primary')
          .map(
            (p) =>
              `${p.attributes['gateway.store.topology']} ${p.attributes['server.address']}:${p.attributes['server.port']}`,
          )
          .sort(),
      ).toEqual(primaries.map((p) => `${kind} ${p}`));
      expect(points.filter((p) => p.name === 'gateway.store.failovers').map((p) => p.value)).toEqual([0]);
    });
  },
);
