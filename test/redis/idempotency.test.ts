/**
 * Label idempotency across gateway processes sharing Redis: a label request retried on
 * another instance with the same Idempotency-Key gets the first label (nothing bought
 * twice), the same key sent to two instances at once buys one label, a failure is replayed
 * as the same problem, and the same key with another body is a conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { Label } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { clientAccount } from './support/accounts.ts';
import { type Fleet, startFleet } from './support/fleet.ts';
import { startTopology, type Topology, topologies } from './support/topologies.ts';

let sandbox: Sandbox;
let fleet: Fleet;
let topology: Topology;

const labelRequest = (reference: string) => ({
  carrier: 'ups',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1.5, unit: 'kg' } }],
  serviceLevel: 'ground',
  format: 'ZPL',
  failover: 'never',
  reference,
});
const labelsFor = async (reference: string) =>
  (await sandbox.control.stats('ups')).labelsByReference[reference] ?? 0;

describe.runIf(hasRedis).each(topologies())('%s: label idempotency across instances', (kind) => {
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    fleet = await startFleet({
      target: topology.target,
      size: 2,
      sandbox,
      carriers: ['ups'],
      accounts: [clientAccount(sandbox, 'ups', 'ups-sandbox')],
      tuning: { pollMs: 50 },
    });
  }, 90_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await topology?.dispose();
  });

  it('a label request retried on another instance with the same key returns the first label', async () => {
    const [a, b] = fleet.instances as [(typeof fleet.instances)[0], (typeof fleet.instances)[0]];
    const key = `retry-${crypto.randomUUID()}`;
    const first = await a.request<Label>('POST', '/v1/labels', labelRequest('IDEM-1'), {
      'Idempotency-Key': key,
    });
    expect(first.status).toBe(201);
    const retried = await b.request<Label>('POST', '/v1/labels', labelRequest('IDEM-1'), {
      'Idempotency-Key': key,
    });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expect(await labelsFor('IDEM-1')).toBe(1);
  });

  it('the same key sent to two instances at once buys one label; both get it', async () => {
    const key = `race-${crypto.randomUUID()}`;
    const answers = await Promise.all(
      fleet.instances.flatMap((instance) =>
        [0, 1].map(() =>
          instance.request<Label>('POST', '/v1/labels', labelRequest('IDEM-RACE'), {
            'Idempotency-Key': key,
          }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.trackingNumber)).size).toBe(1);
    expect(await labelsFor('IDEM-RACE')).toBe(1);
  });

  it('a failure is replayed on the other instance as the same problem, without calling the carrier again', async () => {
    const [a, b] = fleet.instances as [(typeof fleet.instances)[0], (typeof fleet.instances)[0]];
    const key = `fail-${crypto.randomUUID()}`;
    await sandbox.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'label',
      kind: 'throttled',
      count: 1,
    });
    const labelCalls = async () =>
      Object.values((await sandbox.control.stats('ups')).apiCalls.label ?? {}).reduce((n, c) => n + c, 0);
    const first = await a.request<{ type: string; status: number }>(
      'POST',
      '/v1/labels',
      labelRequest('IDEM-F'),
      {
        'Idempotency-Key': key,
      },
    );
    expect(first.status).toBeGreaterThanOrEqual(400);
    const callsAfterFirst = await labelCalls();
    const replayed = await b.request('POST', '/v1/labels', labelRequest('IDEM-F'), {
      'Idempotency-Key': key,
    });
    expect(replayed.status).toBe(first.status);
    expect(replayed.body).toEqual(first.body);
    expect(await labelCalls()).toBe(callsAfterFirst);
  });

  it('the same key with another body on another instance is a conflict', async () => {
    const [a, b] = fleet.instances as [(typeof fleet.instances)[0], (typeof fleet.instances)[0]];
    const key = `conflict-${crypto.randomUUID()}`;
    expect(
      (await a.request('POST', '/v1/labels', labelRequest('IDEM-C1'), { 'Idempotency-Key': key })).status,
    ).toBe(201);
    const other = await b.request<{ type: string }>('POST', '/v1/labels', labelRequest('IDEM-C2'), {
      'Idempotency-Key': key,
    });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-conflict');
    expect(await labelsFor('IDEM-C2')).toBe(0);
  });
});
