/**
 * A derived token (a payment authorization) is obtained by showing the primary token. When the
 * carrier killed the primary token while the broker still had it cached, the derived endpoint
 * answers 401: that is a verdict on the primary, so the broker renews the primary once (shared,
 * single-flight) and asks again, instead of reporting the derived token broken and cooling down.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { CarrierError } from '../../src/domain/failure.ts';
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

async function buyLabel(headers: Readonly<Record<string, string>>): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl(CARRIER)}/api/labels`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'PDF', reference: 'derived-1' }),
  });
  await res.arrayBuffer();
  return res.status;
}

const clientCredentialCalls = async () =>
  (await sandbox.control.stats(CARRIER)).tokenCallsByGrant.default?.client_credentials ?? 0;

describe('derived token when the cached primary token was killed', () => {
  it('renews the primary exactly once and obtains the derived token with the new primary', async () => {
    const { broker, hooks } = brokerFor();
    const account = accountOf(sandbox);
    const before = await broker.credential(account, 'primary');
    expect(await ping(sandbox, before.headers)).toBe(200);
    await sandbox.control.revoke({ carrier: CARRIER, account: 'default' });
    expect(await ping(sandbox, before.headers)).toBe(401); // dead, but still cached

    const pay = await broker.credential(account, 'payment');
    expect(await buyLabel(pay.headers)).toBe(201);
    expect(await clientCredentialCalls()).toBe(2); // the first token and one forced refresh
    expect(hooks.count({ reason: 'forced' })).toBe(1);
    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.apiCalls.payment).toEqual({ '401': 1, '201': 1 });
    // The derived token is cached and healthy: no cooldown, no further calls.
    const again = await broker.credential(account, 'payment');
    expect(again.fingerprint).toBe(pay.fingerprint);
    expect(await clientCredentialCalls()).toBe(2);
  });

  it('many callers at once share the one primary refresh', async () => {
    const { broker } = brokerFor();
    const account = accountOf(sandbox);
    await broker.credential(account, 'primary');
    await sandbox.control.revoke({ carrier: CARRIER, account: 'default' });
    const all = await Promise.all(Array.from({ length: 8 }, () => broker.credential(account, 'payment')));
    expect(new Set(all.map((c) => c.fingerprint)).size).toBe(1);
    expect(await clientCredentialCalls()).toBe(2);
  });

  it('a second refusal after the fresh primary is the classified error, after one refresh only', async () => {
    const { broker } = brokerFor();
    const account = accountOf(sandbox);
    await broker.credential(account, 'primary');
    await sandbox.control.revoke({ carrier: CARRIER, account: 'default' });
    // The payment endpoint keeps refusing whatever token it is shown.
    await sandbox.control.injectFault({
      carrier: CARRIER,
      target: 'api',
      endpoint: 'payment',
      kind: 'unauthorized',
    });
    const error = await broker.credential(account, 'payment').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierError);
    expect(error).toMatchObject({ failureClass: 'token_expired', status: 401 });
    expect(await clientCredentialCalls()).toBe(2);
  });

  it('a failure that is not a refusal of the primary token (503) is not retried with a new primary', async () => {
    const { broker } = brokerFor();
    const account = accountOf(sandbox);
    await broker.credential(account, 'primary');
    await sandbox.control.injectFault({
      carrier: CARRIER,
      target: 'api',
      endpoint: 'payment',
      kind: 'server_error',
      params: { status: 503 },
      count: 1,
    });
    const error = await broker.credential(account, 'payment').catch((e: unknown) => e);
    expect(error).toMatchObject({ failureClass: 'unavailable' });
    expect(await clientCredentialCalls()).toBe(1);
  });
});
