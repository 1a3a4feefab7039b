/** Each strategy behind the one interface: password, derived tokens, static credentials, quota. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { connectAccount } from './support/connect-helpers.ts';
import { PAYMENT_HEADER } from './support/generic-profile.ts';
import { accountOf, brokerFor, CARRIER, ping, startGenericSandbox } from './support/harness.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startGenericSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset(CARRIER);
});
const HOUR = 3_600_000;

async function buyLabel(headers: Readonly<Record<string, string>>): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl(CARRIER)}/api/labels`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'PDF', reference: 'r1' }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('strategies', () => {
  it('resource-owner password grant; wrong user credentials are misconfigured, not revoked', async () => {
    const { broker } = brokerFor();
    const c = await broker.credential(accountOf(sandbox, { authMethod: 'password' }), 'primary');
    expect(await ping(sandbox, c.headers)).toBe(200);
    const [request] = (await sandbox.control.stats(CARRIER)).tokenRequests;
    expect(request?.grant).toBe('password');
    const bad = accountOf(sandbox, { id: 'bad-user', authMethod: 'password' });
    const wrong = { ...bad, secrets: { ...bad.secrets, password: 'wrong' } };
    const e = await brokerFor()
      .broker.credential(wrong, 'primary')
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ failureClass: 'misconfigured', code: 'invalid_grant' });
  });

  it('authorization code: refresh tokens drive every later token; no refresh token at all is revoked', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    const never = await broker.credential(account, 'primary').catch((e: unknown) => e);
    expect(never).toMatchObject({ failureClass: 'revoked', code: 'no_refresh_token' });
    await connectAccount(sandbox, broker, account); // a new authorization lifts the cooldown
    clock.advance(2 * HOUR);
    const c = await broker.credential(account, 'primary');
    expect(await ping(sandbox, c.headers)).toBe(200);
    expect((await sandbox.control.stats(CARRIER)).tokenCallsByGrant.default?.refresh_token).toBe(1);
  });

  it('a derived credential carries both headers; after a primary refresh it is obtained again with the new primary', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox);
    const pay = await broker.credential(account, 'payment');
    expect(Object.keys(pay.headers).sort()).toEqual(['Authorization', PAYMENT_HEADER].sort());
    expect(await buyLabel(pay.headers)).toBe(201);
    const primary = await broker.credential(account, 'primary');
    expect(pay.headers.Authorization).toBe(primary.headers.Authorization);
    // The primary is killed early: the label call is refused; rejected() renews the pair.
    await sandbox.control.revoke({ carrier: CARRIER });
    expect(await buyLabel(pay.headers)).toBe(401);
    const renewed = await broker.rejected(account, 'payment', pay.fingerprint);
    expect(renewed.fingerprint).not.toBe(pay.fingerprint);
    expect(await buyLabel(renewed.headers)).toBe(201);
    // The derived token expires (10 min) before the primary: obtained again with the current primary.
    clock.advance(11 * 60_000);
    const later = await broker.credential(account, 'payment');
    expect(later.headers[PAYMENT_HEADER]).not.toBe(renewed.headers[PAYMENT_HEADER]);
    expect(await buyLabel(later.headers)).toBe(201);
    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.apiCalls.payment?.['201']).toBe(3);
  });

  it('static API key, HTTP Basic and body credentials: no token call; rejection is misconfigured', async () => {
    const { broker } = brokerFor();
    const base = accountOf(sandbox);
    const key = await broker.credential(
      { ...base, authMethod: 'api_key', secrets: { apiKey: 'k-123' } },
      'primary',
    );
    expect(key.headers).toEqual({ 'X-Api-Key': 'k-123' });
    expect(key.expiresAt).toBeUndefined();
    const basic = await broker.credential(
      { ...base, authMethod: 'basic', secrets: { username: 'u', password: 'p:w' } },
      'primary',
    );
    expect(basic.headers.Authorization).toBe(`Basic ${btoa('u:p:w')}`);
    const body = await broker.credential({ ...base, authMethod: 'body_credentials' }, 'primary');
    expect(body.headers).toEqual({});
    const refused = await broker
      .rejected({ ...base, authMethod: 'api_key', secrets: { apiKey: 'k-123' } }, 'primary', key.fingerprint)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierError);
    expect(refused).toMatchObject({ failureClass: 'misconfigured', auth: true, outcome: 'not_sent' });
    const missing = await broker
      .credential({ ...base, authMethod: 'api_key', secrets: {} }, 'primary')
      .catch((e) => e);
    expect(missing).toMatchObject({ failureClass: 'misconfigured' });
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default ?? 0).toBe(0);
  });

  it('an auth method the profile does not offer, or an unknown derived name, is misconfigured', async () => {
    const { broker } = brokerFor();
    const e1 = await broker.credential(accountOf(sandbox), 'nope').catch((e: unknown) => e);
    expect(e1).toMatchObject({ failureClass: 'misconfigured' });
    const profile = { ...(await import('./support/generic-profile.ts')).genericProfile(), methods: {} };
    const e2 = await brokerFor({ profile })
      .broker.credential(accountOf(sandbox), 'primary')
      .catch((e: unknown) => e);
    expect(e2).toMatchObject({ failureClass: 'misconfigured' });
  });

  it('the hourly token-call cap is enforced locally as throttled with retryAfterMs, before the carrier says so', async () => {
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox, { tokenCallsPerHour: 3 });
    for (let i = 0; i < 3; i += 1) {
      await broker.credential(account, 'primary');
      clock.advance(10 * 60_000);
      await broker.invalidate(account); // forces a new token call next time
    }
    // Calls at 0, 10 and 20 minutes; at 30 minutes the allowance is spent until minute 60.
    const e = (await broker.credential(account, 'primary').catch((err: unknown) => err)) as CarrierError;
    expect(e).toMatchObject({
      failureClass: 'throttled',
      code: 'token_quota',
      auth: true,
      outcome: 'not_sent',
    });
    expect(e.retryAfterMs).toBe(30 * 60_000);
    expect(hooks.count({ reason: 'quota', outcome: 'failure', failureClass: 'throttled' })).toBe(1);
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(3);
    clock.advance(30 * 60_000 + 1);
    const ok = await broker.credential(account, 'primary');
    expect(await ping(sandbox, ok.headers)).toBe(200);
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(4);
  });

  it('every token call is reported on the event stream with its class, in order', async () => {
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox);
    await sandbox.control.injectFault({
      carrier: CARRIER,
      target: 'token',
      kind: 'invalid_client',
      count: 1,
    });
    await broker.credential(account, 'primary').catch(() => undefined);
    clock.advance(10 * 60_000);
    await broker.credential(account, 'primary');
    expect(hooks.calls.map((c) => c.failureClass ?? c.outcome)).toEqual(['misconfigured', 'success']);
    expect(
      hooks.calls.every((c) => c.carrier === CARRIER && c.account === account.id && c.source === 'live'),
    ).toBe(true);
  });
});
