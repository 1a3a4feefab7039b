/**
 * Monitoring sees the whole fleet: three gateway processes on one Redis.
 * - One probe per account and interval for the fleet, not one per instance (counted at the
 *   simulator, with no other traffic).
 * - The UPS token endpoint answering 200 with an error body: exactly one signed alert per
 *   incident reaches the webhook receiver, and one resolution once the fault clears.
 * - Traffic sent to one instance is judged by all: every instance's /v1/carriers and
 *   dashboard show the same health for UPS.
 * - A restart of every instance keeps the open incident (same id, not notified again) and
 *   the account's last-use date (dormancy), as the admin API shows.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import type { Alert } from '../../src/health/alerts/types.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../health/support/webhook-receiver.ts';
import { clientAccount } from '../redis/support/accounts.ts';
import { type Fleet, type Instance, startFleet } from '../redis/support/fleet.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';

const ACCOUNT = 'ups-sandbox';
const PROBE_INTERVAL_MS = 2_000;
const JITTER = 0.1;
const RATES = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
  carriers: ['ups'],
};

interface CarriersAnswer {
  carriers: {
    id: string;
    health: { state: string };
    accounts: { id: string; health?: { state: string } }[];
  }[];
}
interface DashboardAnswer {
  carriers: { id: string; health?: { state: string }; accounts?: { id: string; state?: string }[] }[];
}
interface CredentialsAnswer {
  credentials: { carrier: string; account: string; lastUsedAt?: string; dormant: boolean }[];
}

/** Polls until `check` returns a value (not undefined/false), for at most `ms`. */
function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === undefined || value === false) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: ms, interval: 100 },
  );
}

let sandbox: Sandbox;
let fleet: Fleet;
let receiver: WebhookReceiver;
const deliveries = () => receiver.delivered().map((d) => d.alert);
const upsState = async (instance: Instance) => {
  const { body } = await instance.request<CarriersAnswer>('GET', '/v1/carriers');
  return body.carriers.find((c) => c.id === 'ups')?.health.state;
};
const openAlerts = async (instance: Instance) =>
  (await instance.admin<{ open: Alert[] }>('GET', '/admin/alerts')).body.open;
const apiCalls = async () => {
  const stats = await sandbox.control.stats('ups');
  return Object.values(stats.apiCalls).reduce(
    (sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0),
    0,
  );
};

describe.runIf(hasRedis)('monitoring that sees the whole fleet (3 instances, one Redis)', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ simulators: { ups: upsSimulator } });
    receiver = await startWebhookReceiver();
    fleet = await startFleet({
      size: 3,
      sandbox,
      carriers: ['ups'],
      accounts: [clientAccount(sandbox, 'ups', ACCOUNT)],
      probeIntervalMs: PROBE_INTERVAL_MS,
      authBreaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 100,
        rollingWindowMs: 10_000,
        resetTimeoutMs: 1_000,
      },
      alerts: {
        evaluateIntervalMs: 300,
        windowMs: 8_000,
        clearForMs: 1_000,
        cooldownMs: 600_000,
        thresholds: { tokenMinCalls: 3, tokenSuccessRate: 0.8 },
        webhook: {
          url: receiver.url,
          secret: receiver.secret,
          maxAttempts: 5,
          backoffMs: 100,
          timeoutMs: 5_000,
        },
      },
    });
  }, 90_000);
  afterAll(async () => {
    await fleet?.close();
    await receiver?.close();
    await sandbox?.close();
  });

  it('probes each account once per interval for the whole fleet, not once per instance', async () => {
    // Let every instance draw its first due time, then count what reaches the carrier.
    await until('a first probe', async () => (await apiCalls()) > 0);
    const before = await apiCalls();
    const started = Date.now();
    // An observation window, not a wait: the bounds below use the time that really passed.
    await pause(PROBE_INTERVAL_MS * 6);
    const probes = (await apiCalls()) - before;
    const elapsed = Date.now() - started;
    // No two fleet probes of one account are closer than the shortest jittered interval.
    const minGap = PROBE_INTERVAL_MS * (1 - JITTER) * 0.95;
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(probes).toBeLessThanOrEqual(Math.floor(elapsed / minGap) + 1);
    // Three instances probing alone would have made about three per interval.
    expect(probes).toBeLessThan((3 * elapsed) / PROBE_INTERVAL_MS / 2);
  }, 60_000);

  it('a token endpoint answering 200 with an error body raises one signed alert for the fleet; all instances judge alike', async () => {
    const [a] = fleet.instances;
    // A use before the fault: the account's last-use date the fleet keeps.
    expect((await a!.request('POST', '/v1/rates', RATES)).status).toBe(200);
    await sandbox.control.injectFault({ carrier: 'ups', target: 'token', kind: 'error_body_200' });
    // Traffic reaches instance A only: B and C judge it through the fleet's signals.
    const firing = await until('a firing alert for UPS', async () => {
      await a!.request('POST', '/v1/rates', RATES);
      return deliveries().find((d) => d.status === 'firing' && d.carrier === 'ups');
    });
    expect(firing.account).toBe(ACCOUNT);
    const states = await until('the same UPS health on every instance', async () => {
      const all = await Promise.all(fleet.instances.map(upsState));
      return all.every((s) => s === all[0]) && all[0] !== 'healthy' && all[0] !== 'unknown' ? all : undefined;
    });
    expect(new Set(states).size).toBe(1);
    const dashboards = await Promise.all(
      fleet.instances.map(async (i) => {
        const { body } = await i.admin<DashboardAnswer>('GET', '/admin/dashboard/state');
        return body.carriers.find((c) => c.id === 'ups')?.health?.state;
      }),
    );
    expect(new Set(dashboards).size).toBe(1);
    // Every instance lists the incident as open, under the one id that was delivered.
    await until('the incident open on every instance', async () => {
      const open = await Promise.all(fleet.instances.map(openAlerts));
      return open.every((list) => list.some((x) => x.id === firing.id));
    });
  }, 90_000);

  it('a restart of every instance keeps the open incident and the last-use date', async () => {
    const credentials = async (instance: Instance) =>
      (await instance.admin<CredentialsAnswer>('GET', '/admin/credentials')).body.credentials.find(
        (c) => c.carrier === 'ups' && c.account === ACCOUNT,
      );
    const usedBefore = (await credentials(fleet.instances[0]!))?.lastUsedAt;
    expect(usedBefore).toBeDefined();
    const openBefore = (await openAlerts(fleet.instances[0]!)).map((x) => x.id);
    expect(openBefore.length).toBeGreaterThan(0);

    for (let i = 0; i < fleet.instances.length; i++) await fleet.restart(i);

    for (const instance of fleet.instances) {
      // Read before any traffic: what the instance shows comes from the fleet's store.
      const used = (await credentials(instance))?.lastUsedAt;
      expect(used).toBeDefined();
      // Last use is written once a minute per account at most: it may be up to that old.
      expect(Date.parse(used!)).toBeLessThanOrEqual(Date.parse(usedBefore!));
      expect(Date.parse(usedBefore!) - Date.parse(used!)).toBeLessThanOrEqual(60_000);
      const open = await until('open incidents after the restart', async () => {
        const list = (await openAlerts(instance)).map((x) => x.id);
        return list.length > 0 ? list : undefined;
      });
      expect(open).toEqual(expect.arrayContaining(openBefore));
    }
    // The fault still holds: the restarted fleet keeps the incident without notifying it again.
    for (let i = 0; i < 5; i++) await fleet.instances[i % 3]!.request('POST', '/v1/rates', RATES);
    // (Another rule may cross its own threshold meanwhile: that is a new incident, not a repeat.)
    const kept = (await openAlerts(fleet.instances[0]!)).filter((x) => openBefore.includes(x.id));
    expect(kept).toHaveLength(openBefore.length);
    for (const incident of kept) {
      const notified = deliveries().filter((d) => d.status === 'firing' && d.rule === incident.rule);
      expect(notified.map((d) => d.id)).toEqual([incident.id]);
    }
  }, 120_000);

  it('once the fault clears, each incident resolves once, and every delivery was signed', async () => {
    await sandbox.control.clearFaults('ups');
    await until(
      'every instance without open incidents',
      async () => {
        for (const instance of fleet.instances) await instance.request('POST', '/v1/rates', RATES);
        const open = await Promise.all(fleet.instances.map(openAlerts));
        return open.every((list) => list.length === 0);
      },
      90_000,
    );
    const all = deliveries();
    const firings = all.filter((d) => d.status === 'firing');
    const resolutions = all.filter((d) => d.status === 'resolved');
    expect(firings.length).toBeGreaterThan(0);
    // One firing and one resolution per incident, whichever instance sent it.
    expect(new Set(firings.map((d) => d.id)).size).toBe(firings.length);
    expect(resolutions.map((d) => d.id).sort()).toEqual(firings.map((d) => d.id).sort());
    expect(receiver.attempts.every((d) => d.signatureValid)).toBe(true);
  }, 120_000);
});
