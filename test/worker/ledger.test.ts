/**
 * Label idempotency holds across isolates on Workers: the Idempotency-Key's ledger object
 * (a Durable Object) lets one request buy and makes every other one, on any isolate, replay
 * its answer — a label or a failure — or get a conflict for another body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { Label } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { buildTestBundle, startSimulators, startWorker, workerConfig } from './support/worker-harness.ts';

let sandbox: Sandbox;
let worker: Awaited<ReturnType<typeof startWorker>>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  sandbox = await startSimulators(['ups']);
  const { config, secrets } = workerConfig(sandbox, {
    carriers: ['ups'],
    accounts: (_carrier, accounts) => accounts.slice(0, 1).map((account) => ({ account })),
  });
  worker = await startWorker({ bundle: built.bundle, config, secrets, twin: true });
});

afterAll(async () => {
  await worker?.dispose();
  await sandbox?.close();
  await cleanup?.();
});

const label = (reference: string) => ({
  carrier: 'ups',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
  serviceLevel: 'ground',
  format: 'ZPL',
  reference,
  failover: 'never',
});

const bought = async (reference: string) =>
  (await sandbox.control.stats('ups')).labelsByReference[reference] ?? 0;

describe('idempotent labels across isolates', () => {
  it('the same key on two isolates at once buys one label, and both get it', async () => {
    const key = { 'idempotency-key': `ledger-${crypto.randomUUID()}` };
    const [a, b] = await Promise.all([
      worker.request<Label>('POST', '/v1/labels', label('ledger-once'), key),
      worker.twin!('POST', '/v1/labels', label('ledger-once'), key),
    ]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect((b.body as Label).trackingNumber).toBe(a.body.trackingNumber);
    expect((b.body as Label).data).toBe(a.body.data);
    expect(await bought('ledger-once')).toBe(1);

    const other = await worker.twin!('POST', '/v1/labels', label('ledger-other'), key);
    expect(other.status).toBe(422);
    expect((other.body as { type: string }).type).toBe('/problems/idempotency-conflict');
    expect(await bought('ledger-other')).toBe(0);
  });

  it('a failure is replayed on another isolate as it was, without asking the carrier again', async () => {
    const key = { 'idempotency-key': `ledger-${crypto.randomUUID()}` };
    await sandbox.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'label',
      kind: 'server_error',
      count: 1,
    });
    const first = await worker.request<{ type: string; status: number }>(
      'POST',
      '/v1/labels',
      label('ledger-fail'),
      key,
    );
    expect(first.status).toBeGreaterThanOrEqual(500);
    const labelCalls = async () =>
      Object.values((await sandbox.control.stats('ups')).apiCalls.label ?? {}).reduce((n, c) => n + c, 0);
    const callsAfterFirst = await labelCalls();

    const replay = await worker.twin!('POST', '/v1/labels', label('ledger-fail'), key);
    expect(replay.status).toBe(first.status);
    expect(replay.body).toMatchObject({ type: first.body.type, status: first.body.status });
    expect(await labelCalls()).toBe(callsAfterFirst);
  });
});
