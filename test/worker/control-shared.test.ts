/**
 * Two isolates of one Worker (two Workers in workerd bound to the same objects) share one
 * control plane: a connect flow started in one isolate completes in the other (the state
 * lives in the account's control object, and is single-use across both), and an account
 * added through the admin API in one is served by the other, which hears of it on the
 * broadcast log at the start of a request; a revocation in one isolate makes the other drop
 * the token it cached once it hears of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LABEL_REQUEST } from '../../sandbox/examples.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../health/support/webhook-receiver.ts';
import { type HttpAnswer, requestJson } from '../support/http.ts';
import { CONNECT_ACCOUNT, gatewayConfig, PUBLIC_URL, upsSandbox } from './support/runtimes.ts';
import { buildTestBundle, startWorker } from './support/worker-harness.ts';

type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

let sandbox: Sandbox;
let receiver: WebhookReceiver;
let dispose: () => Promise<void>;
let cleanup: () => Promise<void>;
let first: Fetcher;
let second: Fetcher;
let mainAccount: string;
/** The Cron Trigger event on each isolate. */
let ticks: (() => Promise<void>)[];
let apiKey: string;
const adminKey = `sk_admin_${crypto.randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  sandbox = await upsSandbox();
  receiver = await startWebhookReceiver();
  const { config, secrets, mainAccount: main } = gatewayConfig(sandbox, receiver);
  mainAccount = main;
  const worker = await startWorker({
    bundle: built.bundle,
    config,
    secrets: { ...secrets, GATEWAY_ADMIN_KEYS: adminKey },
    twin: true,
  });
  dispose = worker.dispose;
  apiKey = worker.apiKey;
  const twin = await worker.mf.getWorker('gateway-twin');
  first = (url, init) => worker.mf.dispatchFetch(url, init as never) as unknown as Promise<Response>;
  const gateway = await worker.mf.getWorker('gateway');
  ticks = [gateway, twin].map((isolate) => async () => {
    const result = await isolate.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
    if (result.outcome !== 'ok') throw new Error(`scheduled event: ${result.outcome}`);
  });
  second = (url, init) => twin.fetch(url, init as never) as unknown as Promise<Response>;
});

afterAll(async () => {
  await dispose?.();
  await receiver?.close();
  await sandbox?.close();
  await cleanup?.();
});

const call = <T = Record<string, unknown>>(
  via: Fetcher,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<T>> =>
  requestJson<T>((url, init) => via(url, { ...init, redirect: 'manual' }), `${PUBLIC_URL}${path}`, method, {
    key: apiKey,
    ...options,
  });

describe('two isolates, one control plane', () => {
  it('a connect flow started in one isolate completes in the other, once', async () => {
    const authorize = await call(first, 'GET', `/v1/connect/ups/${CONNECT_ACCOUNT}/authorize`);
    expect(authorize.status).toBe(302);
    const consent = await fetch(`${authorize.headers.get('location')}&sandbox_consent=allow`, {
      redirect: 'manual',
    });
    await consent.body?.cancel();
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    const path = `${back.pathname}${back.search}`;

    const completed = await call(second, 'GET', path, { key: null });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ connected: true, carrier: 'ups', account: CONNECT_ACCOUNT });
    // The state was taken: neither isolate accepts it again.
    for (const via of [first, second]) {
      const replay = await call<{ type: string }>(via, 'GET', path, { key: null });
      expect(replay.status).toBe(400);
    }
  });

  it('an account added in one isolate is served by the other', async () => {
    // Both isolates are up (composed) before the change.
    const listedBefore = await call<{ accounts: { id: string }[] }>(second, 'GET', '/admin/accounts', {
      key: adminKey,
    });
    expect(listedBefore.body.accounts.map((a) => a.id)).not.toContain('extra');

    const main = sandbox.accounts('ups')[0]!;
    const added = await call(first, 'PUT', '/admin/accounts/ups/extra', {
      key: adminKey,
      body: {
        environment: 'sandbox',
        credentials: { ...main.secrets },
        settings: { ...main.settings },
        baseUrls: { default: sandbox.baseUrl('ups') },
      },
    });
    expect(added.status).toBe(201);

    // The second isolate polls the broadcast log at most once a second: wait for that state.
    let ids: string[] = [];
    for (let attempt = 0; attempt < 200 && !ids.includes('extra'); attempt++) {
      const listed = await call<{ accounts: { id: string }[] }>(second, 'GET', '/admin/accounts', {
        key: adminKey,
      });
      ids = listed.body.accounts.map((a) => a.id);
      if (!ids.includes('extra')) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ids).toContain('extra');
    const label = await call(second, 'POST', '/v1/labels', {
      headers: { 'Idempotency-Key': `shared-${crypto.randomUUID()}` },
      body: { ...SAMPLE_LABEL_REQUEST, carrier: 'ups', account: 'extra', failover: 'never', format: 'ZPL' },
    });
    expect(label.status).toBe(201);
  });

  it('a revocation in one isolate: the other drops its cached token once it hears, one new token', async () => {
    const main = sandbox.accounts('ups')[0]!.id;
    const tokenCalls = async () =>
      (await sandbox.control.stats('ups')).tokenCallsByGrant[main]?.client_credentials ?? 0;
    const ship = async (via: Fetcher) =>
      (
        await call(via, 'POST', '/v1/labels', {
          headers: { 'Idempotency-Key': `revoke-${crypto.randomUUID()}` },
          body: { ...SAMPLE_LABEL_REQUEST, carrier: 'ups', account: main, failover: 'never', format: 'ZPL' },
        })
      ).status;
    // The second isolate holds the account's token in its own cache.
    expect(await ship(second)).toBe(201);
    expect(await ship(second)).toBe(201);
    const before = await tokenCalls();

    const revoked = await call(first, 'POST', `/admin/credentials/ups/${main}/revoke`, {
      key: adminKey,
      body: {},
    });
    expect(revoked.status).toBe(200);

    // Until it polls the log, the second isolate may still use its cached token; once it has
    // heard, its next label needs the authority's new token: exactly one new token call.
    for (let attempt = 0; attempt < 200 && (await tokenCalls()) === before; attempt++) {
      expect(await ship(second)).toBe(201);
      if ((await tokenCalls()) === before) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await tokenCalls()) - before).toBe(1);
    expect(await ship(second)).toBe(201);
    expect(await ship(first)).toBe(201);
    expect((await tokenCalls()) - before).toBe(1);
  });

  it('the fleet counts both isolates once they served; revoke-all reports who acknowledged', async () => {
    // Each isolate's poll carries its heartbeat (the first poll of each isolate did already).
    expect((await call(first, 'GET', '/v1/carriers')).status).toBe(200);
    expect((await call(second, 'GET', '/v1/carriers')).status).toBe(200);
    const revoked = await call<{ fleet: { instances: number; acknowledged: { instance: string }[] } }>(
      first,
      'POST',
      '/admin/revoke-all',
      { key: adminKey, body: {} },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.fleet.instances).toBe(2);
    // The announcing isolate hears itself at once; the other acknowledges when it next polls,
    // after the announcement stopped waiting.
    expect(revoked.body.fleet.acknowledged).toHaveLength(1);
  });

  it('one incident, one alert: Cron Triggers on both isolates judge and notify as one fleet', async () => {
    await sandbox.control.injectFault({
      carrier: 'ups',
      account: mainAccount,
      target: 'token',
      kind: 'invalid_scope',
    });
    // The revocation drops the probes' own tokens too: the next probe asks the carrier.
    await call(first, 'POST', `/admin/credentials/ups/${mainAccount}/revoke`, { key: adminKey, body: {} });
    const firing = () =>
      receiver
        .delivered()
        .filter(
          (d) =>
            d.alert.rule === 'config_drift' && d.alert.account === mainAccount && d.alert.status === 'firing',
        );
    // Both isolates' triggers run, in turn; bounded, never timed.
    for (let round = 0; firing().length === 0 && round < 10; round++) for (const tick of ticks) await tick();
    // Still firing on both: nothing more is sent by either.
    for (let round = 0; round < 3; round++) for (const tick of ticks) await tick();
    await sandbox.control.clearFaults('ups');
    expect(firing()).toHaveLength(1);
    expect(receiver.attempts.every((d) => d.signatureValid)).toBe(true);
    // Both isolates list the one incident the fleet opened.
    for (const via of [first, second]) {
      const { body } = await call<{ open: { id: string; rule: string; account?: string }[] }>(
        via,
        'GET',
        '/admin/alerts',
        {
          key: adminKey,
        },
      );
      expect(
        body.open.filter((a) => a.rule === 'config_drift' && a.account === mainAccount).map((a) => a.id),
      ).toEqual([firing()[0]!.alert.id]);
    }
  });
});
