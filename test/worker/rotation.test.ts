/**
 * A rotating refresh token survives a Durable Object restart, in workerd: UPS refresh tokens
 * are single use (the simulator revokes the whole family on reuse), so the restarted object
 * can only keep working if the rotated token was persisted before the first answer left.
 * Miniflare persists Durable Object storage to a temporary directory; the Worker is disposed
 * (its objects die with it) and started again from the same directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { WorkerBundle } from '../../scripts/build-worker.ts';
import type { RateResponse } from '../../src/domain/shipment.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { buildTestBundle, startSimulators, startWorker, workerConfig } from './support/worker-harness.ts';

const ACCOUNT = 'ups-connected';
const LIFETIME_S = 1;

let sandbox: Sandbox;
let bundle: WorkerBundle;
let cleanup: () => Promise<void>;
const dirs: string[] = [];

beforeAll(async () => {
  const built = await buildTestBundle();
  bundle = built.bundle;
  cleanup = built.cleanup;
  sandbox = await startSimulators(['ups']);
});

afterAll(async () => {
  await sandbox?.close();
  await cleanup?.();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function persistDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cg-do-'));
  dirs.push(dir);
  return dir;
}

/** The connected account's refresh token as issued at start-up: the deployment's seed secret. */
function deployment() {
  return workerConfig(sandbox, {
    carriers: ['ups'],
    accounts: (_carrier, accounts) =>
      accounts
        .filter((a) => a.id === ACCOUNT)
        .map((account) => ({ account, auth: 'authorization_code' as const })),
  });
}

const rates = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
};

async function upsRates(worker: Awaited<ReturnType<typeof startWorker>>) {
  const answer = await worker.request<RateResponse>('POST', '/v1/rates', rates);
  expect(answer.status).toBe(200);
  return answer.body;
}

const refreshGrants = async () =>
  (await sandbox.control.stats('ups')).tokenCallsByGrant[ACCOUNT]?.refresh_token ?? 0;

describe('refresh-token rotation across a Durable Object restart', () => {
  it('the restarted authority refreshes with the rotated token it persisted, never the spent seed', async () => {
    const { config, secrets } = deployment();
    await sandbox.control.setMode({ carrier: 'ups', tokenLifetimeSeconds: LIFETIME_S });
    const dir = await persistDir();

    const first = await startWorker({ bundle, config, secrets, persistDir: dir });
    const before = await upsRates(first);
    expect(before.messages).toEqual([]);
    expect(before.rates.length).toBeGreaterThan(0);
    expect(await refreshGrants()).toBe(1); // the seed was spent, a rotated one issued
    await first.dispose(); // the object and everything in its memory are gone

    await new Promise((resolve) => setTimeout(resolve, LIFETIME_S * 1000 + 300)); // the access token expired
    const second = await startWorker({ bundle, config, secrets, persistDir: dir });
    try {
      const after = await upsRates(second);
      expect(after.messages, JSON.stringify(after.messages)).toEqual([]);
      expect(after.rates.length).toBeGreaterThan(0);
    } finally {
      await second.dispose();
    }
    const stats = await sandbox.control.stats('ups');
    expect(stats.tokenCallsByGrant[ACCOUNT]?.refresh_token).toBe(2);
    expect(stats.refreshTokenReuse[ACCOUNT] ?? 0).toBe(0);
  });

  it('control: an authority that lost its storage presents the spent seed, and UPS refuses it as revoked', async () => {
    const { config, secrets } = deployment();
    const fresh = await startWorker({ bundle, config, secrets, persistDir: await persistDir() });
    try {
      // UPS is the only carrier here: no rate at all, and the problem names why.
      const answer = await fresh.request<{ type: string; messages: unknown[] }>('POST', '/v1/rates', rates);
      expect(answer.status).toBe(503);
      expect(answer.body.type).toBe('/problems/all-carriers-unavailable');
      expect(answer.body.messages[0]).toMatchObject({ carrier: 'ups', class: 'revoked' });
    } finally {
      await fresh.dispose();
    }
    expect((await sandbox.control.stats('ups')).refreshTokenReuse[ACCOUNT]).toBe(1);
  });
});
