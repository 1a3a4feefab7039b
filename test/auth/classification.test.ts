/** Every token failure classified, with its side effect (chaos B1-B9), over real HTTP. */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { connectAccount, storedValue } from './support/connect-helpers.ts';
import { accountOf, brokerFor, CARRIER, ping, startGenericSandbox } from './support/harness.ts';
import { type ShapedServer, shapedProfile, startShapedServer } from './support/shaped-server.ts';
import { interleaving } from './support/store-wrappers.ts';

let sandbox: Sandbox;
let shaped: ShapedServer;
beforeAll(async () => {
  sandbox = await startGenericSandbox();
  shaped = await startShapedServer();
});
afterAll(async () => {
  await sandbox.close();
  await shaped.close();
});
beforeEach(async () => {
  await sandbox.control.reset(CARRIER);
});
const HOUR = 3_600_000;

type TokenFault = Parameters<Sandbox['control']['injectFault']>[0];
const fault = (f: Omit<TokenFault, 'carrier' | 'target'>) =>
  sandbox.control.injectFault({ carrier: CARRIER, target: 'token', count: 1, ...f });

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CarrierError);
  const error = e as CarrierError;
  expect(error.auth).toBe(true);
  expect(error.outcome).toBe('not_sent');
  return error;
}

/** Refreshes a refresh token directly at the sim, as another gateway instance would. */
async function refreshDirectly(account: ResolvedAccount, refreshToken: string): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl(CARRIER)}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${account.secrets.clientId}:${account.secrets.clientSecret}`)}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('classification and side effects', () => {
  it('B1 (14): invalid_grant after the stored refresh token changed is a refresh_race: adopt it and retry once', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const inner = createMemoryTokenStore();
    const store = interleaving(inner);
    const { broker, clock, hooks } = brokerFor({ store });
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    await connectAccount(sandbox, broker, account);
    // Another instance's authorization (a second refresh-token family) lands right after our read.
    const other = brokerFor({ store: createMemoryTokenStore() });
    const otherToken = await connectAccount(sandbox, other.broker, account);
    clock.advance(2 * HOUR);
    await fault({ endpoint: 'refresh', kind: 'invalid_grant' });
    store.afterNextRead(async () => {
      const [key] = inner.keys();
      const current = await inner.get(key as string);
      // Expired access token, newer refresh token: the broker must retry with the adopted one.
      await inner.compareAndSet(key as string, current?.version ?? 0, { ...otherToken, expiresAt: 0 });
    });
    const got = await broker.credential(account, 'primary');
    expect(hooks.count({ failureClass: 'refresh_race' })).toBe(1);
    expect(hooks.count({ failureClass: 'revoked' })).toBe(0);
    expect(await ping(sandbox, got.headers)).toBe(200);
    const stored = await storedValue(inner);
    expect(stored?.refreshToken).toBeDefined();
    expect(stored?.refreshToken).not.toBe(otherToken.refreshToken); // retried once with it, rotated
    const calls = (await sandbox.control.stats(CARRIER)).tokenCallsByGrant.default?.refresh_token;
    expect(calls).toBe(2);
  });

  it('B2 (15): invalid_grant with the stored refresh token unchanged is revoked; later calls short-circuit', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const { broker, clock, hooks, logger } = brokerFor();
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    const seeded = await connectAccount(sandbox, broker, account);
    expect(await refreshDirectly(account, seeded.refreshToken as string)).toBe(200); // spent elsewhere
    clock.advance(2 * HOUR);
    const error = await failure(broker.credential(account, 'primary'));
    expect(error.failureClass).toBe('revoked');
    expect(hooks.count({ failureClass: 'revoked' })).toBe(1);
    expect(logger.lines.some((l) => l.includes('"failureClass":"revoked"'))).toBe(true);
    const before = (await sandbox.control.stats(CARRIER)).tokenCalls.default;
    for (let i = 0; i < 20; i += 1) {
      expect((await failure(broker.credential(account, 'primary'))).failureClass).toBe('revoked');
    }
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(before);
  });

  it('B3 (16): invalid_client (fault, and a really wrong secret) is misconfigured', async () => {
    const { broker } = brokerFor();
    await fault({ kind: 'invalid_client' });
    expect((await failure(broker.credential(accountOf(sandbox), 'primary'))).failureClass).toBe(
      'misconfigured',
    );
    const wrong = accountOf(sandbox, {
      id: 'wrong',
      secrets: { clientId: 'generic-client', clientSecret: 'nope' },
    });
    const e = await failure(brokerFor().broker.credential(wrong, 'primary'));
    expect(e).toMatchObject({ failureClass: 'misconfigured', code: 'invalid_client', status: 401 });
  });

  it('B4 (17): invalid_request, unsupported_grant_type and invalid_scope are misconfigured', async () => {
    for (const kind of ['unsupported_grant_type', 'invalid_scope'] as const) {
      await fault({ kind });
      const e = await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'));
      expect(e).toMatchObject({ failureClass: 'misconfigured', code: kind });
    }
    await fault({ kind: 'json_as_text', params: { error: 'invalid_request', status: 400 } });
    expect((await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'))).failureClass).toBe(
      'misconfigured',
    );
    const scoped = accountOf(sandbox, { simAccount: 'scoped', settings: { scope: 'admin' } });
    const e = await failure(brokerFor().broker.credential(scoped, 'primary'));
    expect(e).toMatchObject({ failureClass: 'misconfigured', code: 'invalid_scope' });
  });

  it('B5 (18): 5xx and connection errors are unavailable; a still-valid token keeps being served', async () => {
    await fault({ kind: 'server_error', params: { status: 500 } });
    expect(await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'))).toMatchObject({
      failureClass: 'unavailable',
      status: 500,
    });
    const closed = await closedPort();
    const unreachable = accountOf(sandbox, { baseUrls: { default: `http://127.0.0.1:${closed}` } });
    expect(await failure(brokerFor().broker.credential(unreachable, 'primary'))).toMatchObject({
      failureClass: 'unavailable',
      code: 'network_error',
    });
    // Proactive refresh fails: callers still get the valid token, and the failure is reported.
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox);
    const first = await broker.credential(account, 'primary');
    await sandbox.control.injectFault({ carrier: CARRIER, target: 'token', kind: 'server_error', count: 5 });
    clock.advance(0.85 * HOUR); // inside the refresh margin, before expiry
    for (let i = 0; i < 5; i += 1) {
      const c = await broker.credential(account, 'primary');
      expect(c.fingerprint).toBe(first.fingerprint);
      await new Promise((r) => setTimeout(r, 20));
    }
    await vi.waitFor(() =>
      expect(hooks.count({ reason: 'proactive', outcome: 'failure', failureClass: 'unavailable' })).toBe(1),
    );
    expect(hooks.count({ reason: 'proactive' })).toBe(1); // one attempt per cooldown
    expect(await ping(sandbox, first.headers)).toBe(200);
  });

  it('B6 (19): 429 with Retry-After in seconds, as a date, or absent is throttled, never revoked; the wait is honoured', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox);
    await fault({ kind: 'throttled', params: { retryAfter: 120, retryAfterFormat: 'seconds' } });
    const e1 = await failure(broker.credential(account, 'primary'));
    expect(e1).toMatchObject({ failureClass: 'throttled', status: 429, retryAfterMs: 120_000 });
    clock.advance(90_000); // still inside Retry-After: no call
    expect((await failure(broker.credential(account, 'primary'))).failureClass).toBe('throttled');
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(1);
    clock.advance(31_000);
    await broker.credential(account, 'primary');

    await fault({ kind: 'throttled', params: { retryAfter: 60, retryAfterFormat: 'date' } });
    const e2 = await failure(brokerFor().broker.credential(account, 'primary'));
    expect(e2.failureClass).toBe('throttled');
    expect(e2.retryAfterMs).toBeGreaterThan(0);
    expect(e2.retryAfterMs).toBeLessThanOrEqual(61_000);

    await fault({ kind: 'throttled', params: { retryAfterFormat: 'none' } });
    const e3 = await failure(brokerFor().broker.credential(account, 'primary'));
    expect(e3).toMatchObject({ failureClass: 'throttled', retryAfterMs: undefined });
  });

  it('B7 (20): an HTML error page or JSON served as text/plain is transient unless it carries an OAuth error', async () => {
    await fault({ kind: 'html_error', params: { status: 403 } });
    expect((await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'))).failureClass).toBe(
      'unavailable',
    );
    await fault({ kind: 'json_as_text' });
    expect((await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'))).failureClass).toBe(
      'unavailable',
    );
    await fault({ kind: 'json_as_text', params: { error: 'invalid_client', status: 401 } });
    expect((await failure(brokerFor().broker.credential(accountOf(sandbox), 'primary'))).failureClass).toBe(
      'misconfigured',
    );
  });

  it('B8 (21): HTTP 200 with an error body, without access_token, or unparseable is malformed and never overwrites the store', async () => {
    const { broker, clock, store } = brokerFor();
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    await connectAccount(sandbox, broker, account);
    const [key] = (store as ReturnType<typeof createMemoryTokenStore>).keys();
    const before = await store.get(key as string);
    for (const kind of ['error_body_200', 'no_access_token', 'malformed_json'] as const) {
      clock.advance(2 * HOUR);
      await fault({ endpoint: 'refresh', kind });
      const e = await failure(broker.credential(account, 'primary'));
      expect(e).toMatchObject({ failureClass: 'malformed', status: 200 });
      expect(await store.get(key as string)).toEqual(before);
      clock.advance(10 * 60_000); // past the cooldown for the next round
    }
    const ok = await broker.credential(account, 'primary'); // the stored refresh token still works
    expect(await ping(sandbox, ok.headers)).toBe(200);
  });

  it('B9 (22): carrier-specific error shapes are decoded by the profile hook first', async () => {
    const account: ResolvedAccount = {
      carrier: 'shaped',
      id: 'acct',
      environment: 'sandbox',
      authMethod: 'client_credentials',
      secrets: { clientId: 'shaped-client', clientSecret: 's' },
      settings: {},
      labels: {},
      baseUrls: { default: shaped.url },
    };
    const profile = shapedProfile();
    shaped.script({
      status: 401,
      body: { response: { errors: [{ code: '250002', message: 'Invalid Authentication Information' }] } },
    });
    expect(await failure(brokerFor({ profile }).broker.credential(account, 'primary'))).toMatchObject({
      failureClass: 'misconfigured',
      code: '250002',
    });
    shaped.script({
      status: 429,
      body: { response: { errors: [{ code: '10429', message: 'Quota Limit Exceeded' }] } },
      headers: { 'retry-after': '30' },
    });
    expect(await failure(brokerFor({ profile }).broker.credential(account, 'primary'))).toMatchObject({
      failureClass: 'throttled',
      retryAfterMs: 30_000,
    });
    // A shape the decoder does not know falls through to the generic rules.
    shaped.script({
      status: 502,
      body: '<html>bad gateway</html>',
      headers: { 'content-type': 'text/html' },
    });
    expect((await failure(brokerFor({ profile }).broker.credential(account, 'primary'))).failureClass).toBe(
      'unavailable',
    );
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
