/**
 * Redis stopped for 30 seconds under load, then started again (a private Redis server on
 * its own port: the machine's Redis is never touched). Two gateway processes keep
 * answering every request with a token-backed answer or a classified error, report
 * `/readyz` degraded with one alert line each, and return to shared mode by themselves.
 * FedEx uses client credentials (refreshed per instance while Redis is away); UPS uses a
 * rotating refresh token (never refreshed without the shared lock: `unavailable` meanwhile).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as fedexSimulator } from '../../carriers/fedex/simulator/index.ts';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { RateResponse } from '../../src/domain/shipment.ts';
import type { ReadinessReport } from '../../src/gateway/service.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';
import { clientAccount, connectedAccount, tokenStats } from './support/accounts.ts';
import { type Fleet, type Instance, startFleet } from './support/fleet.ts';
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.ts';

const OUTAGE_MS = 30_000;
const TOKEN_LIFETIME_S = 8;
const REQUEST_DEADLINE_MS = 20_000;
const CLASSIFIED_PROBLEMS = new Set(['/problems/all-carriers-unavailable', '/problems/carrier-unavailable']);

let redis: PrivateRedis;
let sandbox: Sandbox;
let fleet: Fleet;
const UPS = 'rot-outage';
const FEDEX = 'fedex-sandbox';

interface Outcome {
  phase: 'before' | 'outage' | 'after';
  kind: 'served' | 'classified' | 'lost';
  carriersServed: string[];
  classes: string[];
}

const rateRequest = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
  carriers: ['ups', 'fedex'],
};

async function ask(instance: Instance, phase: Outcome['phase']): Promise<Outcome> {
  try {
    const { status, body } = await instance.request<RateResponse & { type?: string }>(
      'POST',
      '/v1/rates',
      rateRequest,
      {},
      REQUEST_DEADLINE_MS,
    );
    const classes = (body.messages ?? []).map((m) => m.class);
    if (status === 200) {
      const carriersServed = [...new Set(body.rates.map((r) => r.carrier))];
      // Each carrier asked either quoted or is named with a failure class: nothing silently missing.
      const accounted = ['ups', 'fedex'].every(
        (c) => carriersServed.includes(c) || body.messages.some((m) => m.carrier === c),
      );
      return { phase, kind: accounted ? 'served' : 'lost', carriersServed, classes };
    }
    const classified = CLASSIFIED_PROBLEMS.has(body.type ?? '') && classes.length > 0;
    return { phase, kind: classified ? 'classified' : 'lost', carriersServed: [], classes };
  } catch {
    return { phase, kind: 'lost', carriersServed: [], classes: [] };
  }
}

const readiness = (instance: Instance) => instance.request<ReadinessReport>('GET', '/readyz');
const events = (instance: Instance, event: string) => instance.logs.filter((l) => l.event === event).length;

describe.runIf(hasRedis)('Redis stopped for 30 s under load', () => {
  beforeAll(async () => {
    redis = await startPrivateRedis();
    sandbox = await startSandbox({ simulators: { ups: upsSimulator, fedex: fedexSimulator } });
    fleet = await startFleet({
      size: 2,
      sandbox,
      redisUrl: redis.url,
      carriers: ['ups', 'fedex'],
      accounts: [connectedAccount(sandbox, 'ups', UPS), clientAccount(sandbox, 'fedex', FEDEX)],
      // Short breaker resets so UPS comes back soon after Redis does.
      authBreaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingWindowMs: 10_000,
        resetTimeoutMs: 2_000,
      },
      tuning: { commandTimeoutMs: 1_000, lockTtlMs: 3_000 },
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await sandbox?.close();
    await redis?.dispose();
  });

  it('loses no request, reports degraded once, and resumes shared mode by itself', async () => {
    for (const carrier of ['ups', 'fedex'])
      await sandbox.control.setMode({ carrier, tokenLifetimeSeconds: TOKEN_LIFETIME_S });
    let phase: Outcome['phase'] = 'before';
    let running = true;
    const outcomes: Outcome[] = [];
    const load = fleet.instances.map(async (instance) => {
      while (running) {
        outcomes.push(await ask(instance, phase));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    await redis.stop();
    phase = 'outage';
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const instance of fleet.instances) {
      const { status, body } = await readiness(instance);
      expect(status).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.checks.sharedStore?.ok).toBe(false);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));

    await redis.start();
    phase = 'after';
    const recoveredAll = async () => {
      for (const instance of fleet.instances) {
        if ((await readiness(instance)).body.status !== 'ready') return false;
        if (!(await ask(instance, 'after')).carriersServed.includes('ups')) return false;
      }
      return true;
    };
    let recovered = false;
    for (let i = 0; i < 60 && !recovered; i++) {
      recovered = await recoveredAll();
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    running = false;
    await Promise.all(load);

    expect(recovered).toBe(true);
    const lost = outcomes.filter((o) => o.kind === 'lost');
    expect(lost).toEqual([]);
    const during = outcomes.filter((o) => o.phase === 'outage');
    expect(during.length).toBeGreaterThan(20);
    // Token-backed answers went on: FedEx tokens expired and were refreshed per instance.
    expect(during.filter((o) => o.carriersServed.includes('fedex')).length).toBeGreaterThan(
      during.length / 2,
    );
    // UPS's rotating token expired too: its absence is a classified `unavailable`, not a hang.
    expect(during.some((o) => !o.carriersServed.includes('ups') && o.classes.includes('unavailable'))).toBe(
      true,
    );
    for (const instance of fleet.instances) {
      expect(events(instance, 'shared_store.degraded')).toBe(1);
      expect(events(instance, 'shared_store.recovered')).toBe(1);
    }
    expect((await tokenStats(sandbox, 'ups', UPS)).reuse).toBe(0);
    const counts = { before: 0, outage: 0, after: 0 };
    for (const o of outcomes) counts[o.phase] += 1;
    console.info(
      `[outage] ${outcomes.length} requests (before ${counts.before}, during ${counts.outage}, after ${counts.after}); 0 lost`,
    );
  }, 120_000);
});
