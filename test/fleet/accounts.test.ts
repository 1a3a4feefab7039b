/**
 * Carrier accounts are fleet data: created through the admin API on instance A, an account
 * serves on instance B without a restart; a new base URL takes effect everywhere; a deleted
 * account is gone on every instance. Its secret never appears in an answer or a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator as fedexSimulator } from '../../carriers/fedex/simulator/index.ts';
import { createSimulator as upsSimulator } from '../../carriers/ups/simulator/index.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { clientAccount } from '../redis/support/accounts.ts';
import { type Answer, type Fleet, startFleet } from '../redis/support/fleet.ts';
import { startTopology, type Topology, topologies } from '../redis/support/topologies.ts';
import { ADDRESSES } from '../support/gateway-harness.ts';
import { hasRedis } from '../support/redis.ts';

const FEDEX_RATES = {
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 2, unit: 'kg' } }],
  carriers: ['fedex'],
};
const SECRET = `fx-secret-${crypto.randomUUID()}`;

let sandbox: Sandbox;
let fleet: Fleet;
const answers: Answer[] = [];

/** Polls `check` until it holds: a change reaches another instance by a message, not at once. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 10_000) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

describe.runIf(hasRedis).each(topologies())('%s: carrier accounts as data, 2 instances', (kind) => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology(kind);
    sandbox = await startSandbox({ simulators: { ups: upsSimulator, fedex: fedexSimulator } });
    await sandbox.control.addAccount('fedex', {
      id: 'fx-api',
      secrets: { clientId: 'fx-api-client', clientSecret: SECRET },
      settings: { accountNumber: '740561073' },
    });
    fleet = await startFleet({
      target: topology.target,
      size: 2,
      sandbox,
      carriers: ['ups', 'fedex'],
      accounts: [clientAccount(sandbox, 'ups', 'ups-sandbox')],
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
    await topology?.dispose();
    await sandbox?.close();
  });

  const [a, b] = [() => fleet.instances[0]!, () => fleet.instances[1]!];
  const rateOnB = async () => {
    const answer = await b().request<{ rates?: { carrier: string }[]; type?: string }>(
      'POST',
      '/v1/rates',
      FEDEX_RATES,
    );
    answers.push(answer);
    return answer;
  };
  const put = async (baseUrl: string) => {
    const answer = await a().admin<Record<string, unknown>>('PUT', '/admin/accounts/fedex/fx-api', {
      environment: 'sandbox',
      credentials: { clientId: 'fx-api-client', clientSecret: SECRET },
      settings: { accountNumber: '740561073' },
      baseUrls: { default: baseUrl },
    });
    answers.push(answer);
    return answer;
  };

  it('created on A, it serves rates on B without a restart', async () => {
    expect((await rateOnB()).status).toBe(422); // fedex has no account yet
    const created = await put(sandbox.baseUrl('fedex'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      carrier: 'fedex',
      id: 'fx-api',
      credentials: ['clientId', 'clientSecret'],
    });
    const ms = await eventually(async () => (await rateOnB()).status === 200, 'B serving the new account');
    console.info(`[accounts] B served the account created on A ${ms} ms after the answer`);
    const listed = await b().admin<{ accounts: { id: string }[] }>('GET', '/admin/accounts?limit=1');
    answers.push(listed);
    expect(listed.body.accounts).toHaveLength(1);
  });

  it('a new base URL takes effect on every instance', async () => {
    // A closed port: the carrier is unreachable at the new address.
    expect((await put('http://127.0.0.1:9')).status).toBe(200);
    await eventually(async () => {
      const answer = await rateOnB();
      const messages = (answer.body as { messages?: { carrier: string; class: string }[] }).messages ?? [];
      return (
        answer.status === 503 && messages.some((m) => m.carrier === 'fedex' && m.class === 'unavailable')
      );
    }, 'B using the new base URL');
    expect((await put(sandbox.baseUrl('fedex'))).status).toBe(200);
    await eventually(async () => (await rateOnB()).status === 200, 'B back on the simulator');
  });

  it('deleted on A, it is gone on every instance (404), and no answer or log shows its secret', async () => {
    const removed = await a().admin('DELETE', '/admin/accounts/fedex/fx-api');
    expect(removed.status).toBe(204);
    await eventually(
      async () => (await b().admin('GET', '/admin/accounts/fedex/fx-api')).status === 404,
      'B forgetting it',
    );
    for (const instance of [a(), b()]) {
      const label = await instance.request(
        'POST',
        '/v1/labels',
        {
          carrier: 'fedex',
          account: 'fx-api',
          serviceLevel: 'ground',
          format: 'ZPL',
          shipper: ADDRESSES.atlanta,
          recipient: ADDRESSES.newYork,
          parcels: [{ weight: { value: 1, unit: 'kg' } }],
        },
        { 'idempotency-key': crypto.randomUUID() },
      );
      answers.push(label);
      expect(label.status).toBe(404);
    }
    const everything = JSON.stringify(answers) + JSON.stringify(fleet.instances.map((i) => i.logs));
    expect(everything).not.toContain(SECRET);
  });
});
