/**
 * The control plane and monitoring answer alike on Node and on Workers: revocation, the
 * account admin API, the connect flow, metrics, probes and alerts run from one table against
 * the Node composition and against the Worker bundle in workerd (control objects, the Cron
 * Trigger), each with its own simulators and webhook receiver. Every row's view must be equal
 * on both runtimes, and match what the row expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LABEL_REQUEST } from '../../sandbox/examples.ts';
import { CONNECT_ACCOUNT, type Runtime, startNodeRuntime, startWorkerRuntime } from './support/runtimes.ts';
import { buildTestBundle } from './support/worker-harness.ts';

/** Token calls the simulator saw for an account, by grant. */
async function grants(rt: Runtime, account: string): Promise<Record<string, number>> {
  return { ...((await rt.sandbox.control.stats('ups')).tokenCallsByGrant[account] ?? {}) };
}
const delta = (after: Record<string, number>, before: Record<string, number>, grant: string) =>
  (after[grant] ?? 0) - (before[grant] ?? 0);

async function label(rt: Runtime, account: string): Promise<number> {
  const answer = await rt.send('POST', '/v1/labels', {
    headers: { 'Idempotency-Key': `parity-${crypto.randomUUID()}` },
    body: { ...SAMPLE_LABEL_REQUEST, carrier: 'ups', account, failover: 'never', format: 'ZPL' },
  });
  return answer.status;
}

const ids = (page: Record<string, unknown>) =>
  ((page.accounts ?? page.items ?? []) as { carrier: string; id: string }[]).map(
    (a) => `${a.carrier}/${a.id}`,
  );

interface Row {
  name: string;
  expect: Record<string, unknown>;
  run(rt: Runtime): Promise<Record<string, unknown>>;
}

const TABLE: Row[] = [
  {
    name: 'revoking one account: the next call fetches a new token at the carrier',
    expect: { first: 201, revoke: 200, second: 201, newTokens: 1 },
    async run(rt) {
      const first = await label(rt, rt.mainAccount);
      const before = await grants(rt, rt.mainAccount);
      const revoke = await rt.send('POST', `/admin/credentials/ups/${rt.mainAccount}/revoke`, {
        key: 'admin',
        body: {},
      });
      const second = await label(rt, rt.mainAccount);
      const after = await grants(rt, rt.mainAccount);
      return { first, revoke: revoke.status, second, newTokens: delta(after, before, 'client_credentials') };
    },
  },
  {
    name: 'revoking everything: every live instance acknowledges, then new tokens',
    expect: { revoke: 200, acknowledgedAll: true, next: 201, newTokens: 1 },
    async run(rt) {
      const before = await grants(rt, rt.mainAccount);
      const revoke = await rt.send('POST', '/admin/revoke-all', { key: 'admin', body: {} });
      const report = (revoke.body.fleet ?? {}) as { instances?: number; acknowledged?: unknown[] };
      const next = await label(rt, rt.mainAccount);
      const after = await grants(rt, rt.mainAccount);
      return {
        revoke: revoke.status,
        instances: report.instances,
        acknowledgedAll: (report.instances ?? 0) > 0 && report.acknowledged?.length === report.instances,
        next,
        newTokens: delta(after, before, 'client_credentials'),
      };
    },
  },
  {
    name: 'account admin: list, add, ship with it, get, remove',
    expect: { added: 201, shipped: 201, got: 200, removed: 204, gone: 404 },
    async run(rt) {
      const listed = ids((await rt.send('GET', '/admin/accounts', { key: 'admin' })).body);
      const main = rt.sandbox.accounts('ups')[0]!;
      const added = await rt.send('PUT', '/admin/accounts/ups/extra', {
        key: 'admin',
        body: {
          environment: 'sandbox',
          credentials: { ...main.secrets },
          settings: { ...main.settings },
          baseUrls: { default: rt.sandbox.baseUrl('ups') },
        },
      });
      const shipped = await label(rt, 'extra');
      const withExtra = ids((await rt.send('GET', '/admin/accounts', { key: 'admin' })).body);
      const got = await rt.send('GET', '/admin/accounts/ups/extra', { key: 'admin' });
      const removed = await rt.send('DELETE', '/admin/accounts/ups/extra', { key: 'admin' });
      const gone = await rt.send('GET', '/admin/accounts/ups/extra', { key: 'admin' });
      const after = ids((await rt.send('GET', '/admin/accounts', { key: 'admin' })).body);
      return {
        listed,
        added: added.status,
        shipped,
        withExtra,
        got: got.status,
        credentials: got.body.credentials,
        removed: removed.status,
        gone: gone.status,
        after,
      };
    },
  },
  {
    name: 'connect flow: authorize, consent, callback, then the account ships',
    expect: { authorize: 302, consent: 302, callback: 200, connected: true, exchanges: 1, label: 201 },
    async run(rt) {
      const before = await grants(rt, CONNECT_ACCOUNT);
      const authorize = await rt.send('GET', `/v1/connect/ups/${CONNECT_ACCOUNT}/authorize`);
      const login = authorize.headers.get('location') ?? '';
      const consent = await fetch(`${login}&sandbox_consent=allow`, { redirect: 'manual' });
      await consent.body?.cancel();
      const back = new URL(consent.headers.get('location') ?? 'http://invalid/');
      // The carrier sends the browser back to the gateway's public address: the callback route.
      const callback = await rt.send('GET', `${back.pathname}${back.search}`, { key: 'none' });
      const after = await grants(rt, CONNECT_ACCOUNT);
      return {
        authorize: authorize.status,
        toCarrier: login.startsWith(rt.sandbox.baseUrl('ups')),
        consent: consent.status,
        callbackPath: back.pathname,
        callback: callback.status,
        connected: callback.body.connected,
        exchanges: delta(after, before, 'authorization_code'),
        label: await label(rt, CONNECT_ACCOUNT),
      };
    },
  },
  {
    name: 'a connect state is single-use',
    expect: { replay: 400 },
    async run(rt) {
      const authorize = await rt.send('GET', `/v1/connect/ups/${CONNECT_ACCOUNT}/authorize`);
      const consent = await fetch(`${authorize.headers.get('location')}&sandbox_consent=allow`, {
        redirect: 'manual',
      });
      await consent.body?.cancel();
      const back = new URL(consent.headers.get('location') ?? 'http://invalid/');
      const first = await rt.send('GET', `${back.pathname}${back.search}`, { key: 'none' });
      const replay = await rt.send('GET', `${back.pathname}${back.search}`, { key: 'none' });
      return { first: first.status, replay: replay.status, type: replay.body.type };
    },
  },
  {
    name: 'metrics: the Prometheus route is off unless configured, on both',
    expect: { metrics: 404 },
    async run(rt) {
      return { metrics: (await rt.send('GET', '/metrics', { key: 'admin' })).status };
    },
  },
  {
    name: 'dashboard and alerts list answer the admin key',
    expect: { dashboard: 200, alerts: 200 },
    async run(rt) {
      const dashboard = await rt.send('GET', '/admin/dashboard/state', { key: 'admin' });
      const alerts = await rt.send('GET', '/admin/alerts', { key: 'admin' });
      return { dashboard: dashboard.status, alerts: alerts.status, open: alerts.body.open };
    },
  },
  {
    name: 'probes run on the periodic tick: the carrier sees the probe token call',
    expect: { probeTokens: 1 },
    async run(rt) {
      // The first tick gives each account its first due time (within one interval: 1 ms here).
      await rt.tick();
      const before = await grants(rt, rt.mainAccount);
      await rt.tick();
      const after = await grants(rt, rt.mainAccount);
      return { probeTokens: delta(after, before, 'client_credentials') };
    },
  },
  {
    name: 'a token endpoint refusing the scope fires one signed webhook alert',
    expect: { firing: 1, signaturesValid: true, severity: 'critical', classification: 'misconfigured' },
    async run(rt) {
      await rt.sandbox.control.injectFault({
        carrier: 'ups',
        account: rt.mainAccount,
        target: 'token',
        kind: 'invalid_scope',
      });
      // The revocation drops the probe's own token too: the next probe asks the carrier.
      await rt.send('POST', `/admin/credentials/ups/${rt.mainAccount}/revoke`, { key: 'admin', body: {} });
      const firing = () =>
        rt.receiver
          .delivered()
          .filter(
            (d) =>
              d.alert.rule === 'config_drift' &&
              d.alert.account === rt.mainAccount &&
              d.alert.status === 'firing',
          );
      // Each tick probes (a refused token call) and evaluates; bounded, never timed.
      let ticks = 0;
      while (firing().length === 0 && ticks < 10) {
        await rt.tick();
        ticks += 1;
      }
      await rt.tick(); // still firing: nothing more is sent
      await rt.sandbox.control.clearFaults('ups');
      const sent = firing();
      return {
        firing: sent.length,
        signaturesValid:
          rt.receiver.attempts.length > 0 && rt.receiver.attempts.every((d) => d.signatureValid),
        severity: sent[0]?.alert.severity,
        classification: (sent[0]?.alert as { triage?: { classification?: string } } | undefined)?.triage
          ?.classification,
      };
    },
  },
];

let node: Runtime;
let worker: Runtime;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  node = await startNodeRuntime();
  worker = await startWorkerRuntime(built.bundle);
});

afterAll(async () => {
  await worker?.close();
  await node?.close();
  await cleanup?.();
});

describe('the control plane and monitoring on Node and on Workers', () => {
  for (const row of TABLE) {
    it(row.name, async () => {
      const fromNode = await row.run(node);
      const fromWorker = await row.run(worker);
      expect(fromNode).toMatchObject(row.expect);
      expect(fromWorker).toEqual(fromNode);
    });
  }
});
