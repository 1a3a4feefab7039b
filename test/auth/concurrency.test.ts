/** Single-flight, cancellation, timeouts and shared failures, over real HTTP (chaos A1, A3, A10-A12). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { connectAccount, storedValue } from './support/connect-helpers.ts';
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

describe('single-flight', () => {
  it('1,000 concurrent callers on an expired token: exactly 1 token call; all get the same token', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox);
    const first = await broker.credential(account, 'primary');
    clock.advance(2 * HOUR); // the cached token is now expired
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => broker.credential(account, 'primary')),
    );
    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.tokenCalls.default).toBe(2); // the first token, then exactly one for the burst
    expect(new Set(results.map((r) => r.headers.Authorization)).size).toBe(1);
    expect(results[0]?.fingerprint).not.toBe(first.fingerprint);
    expect(await ping(sandbox, results[0]?.headers ?? {})).toBe(200);
  });

  it('A1 (1): burst on an expired token, one process: 100 callers, 1 token-endpoint call, same new token', async () => {
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox);
    await broker.credential(account, 'primary');
    clock.advance(2 * HOUR);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => broker.credential(account, 'primary')),
    );
    expect(hooks.count({ reason: 'expired' })).toBe(1);
    expect(hooks.waits).toBe(99);
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(2);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
  });

  it('A3 (3): slow token endpoint: late callers join the one refresh, the refresh token is never used twice', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const { broker, clock, store } = brokerFor();
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    await seedAuthorization(broker, account);
    clock.advance(2 * HOUR);
    await sandbox.control.injectFault({
      carrier: CARRIER,
      target: 'token',
      endpoint: 'refresh',
      kind: 'slow',
      params: { delayMs: 800 },
      count: 1,
    });
    const early = Array.from({ length: 20 }, () => broker.credential(account, 'primary'));
    // More callers arrive while the call is in flight: once the carrier has counted it (on
    // arrival, before the 800 ms delay), not after a fixed pause a busy machine may outlast.
    const deadline = Date.now() + 20_000;
    while (((await sandbox.control.stats(CARRIER)).tokenCallsByGrant.default?.refresh_token ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error('the refresh call never reached the carrier');
      await new Promise((r) => setTimeout(r, 10));
    }
    const late = Array.from({ length: 20 }, () => broker.credential(account, 'primary'));
    const results = await Promise.all([...early, ...late]);
    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.tokenCallsByGrant.default?.refresh_token).toBe(1);
    expect(stats.refreshTokenReuse.default ?? 0).toBe(0);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    expect(await ping(sandbox, results[0]?.headers ?? {})).toBe(200);
    // The store holds the newest refresh token: a further refresh with it succeeds without reuse.
    const stored = await storedValue(store);
    expect(stored?.refreshToken).toBeDefined();
    clock.advance(2 * HOUR);
    await broker.credential(account, 'primary');
    expect((await sandbox.control.stats(CARRIER)).refreshTokenReuse.default ?? 0).toBe(0);
  });

  it('A10 (10): the caller that started the refresh is cancelled; the refresh completes and persists for the others', async () => {
    const { broker, clock, store, hooks } = brokerFor();
    const account = accountOf(sandbox);
    await broker.credential(account, 'primary');
    clock.advance(2 * HOUR);
    await sandbox.control.injectFault({
      carrier: CARRIER,
      target: 'token',
      kind: 'slow',
      params: { delayMs: 500 },
      count: 1,
    });
    const controller = new AbortController();
    const starter = broker.credential(account, 'primary', { signal: controller.signal });
    const others = Array.from({ length: 5 }, () => broker.credential(account, 'primary'));
    controller.abort();
    await expect(starter).rejects.toThrow();
    const results = await Promise.all(others);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    expect(hooks.count({ reason: 'expired', outcome: 'success' })).toBe(1);
    expect(hooks.stores).toBe(2);
    const stored = await storedValue(store);
    expect(stored?.expiresAt).toBe(results[0]?.expiresAt);
  });

  it('A11 (11): a hanging token endpoint times out, every waiter settles, and the slot clears', async () => {
    const { broker, clock } = brokerFor({ tokenCallTimeoutMs: 300 });
    const account = accountOf(sandbox);
    await sandbox.control.injectFault({ carrier: CARRIER, target: 'token', kind: 'hang', count: 1 });
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => broker.credential(account, 'primary')),
    );
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const e = (s as PromiseRejectedResult).reason as CarrierError;
      expect(e).toBeInstanceOf(CarrierError);
      expect(e).toMatchObject({
        failureClass: 'unavailable',
        code: 'timeout',
        auth: true,
        outcome: 'not_sent',
      });
    }
    clock.advance(5 * 60_000); // past the cooldown
    const ok = await broker.credential(account, 'primary');
    expect(await ping(sandbox, ok.headers)).toBe(200);
  });

  it('A12 (12): one classified failure is shared by the whole flight and the next attempt respects the cooldown', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox);
    await sandbox.control.injectFault({ carrier: CARRIER, target: 'token', kind: 'server_error', count: 1 });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, () => broker.credential(account, 'primary')),
    );
    const errors = settled.map((s) => (s as PromiseRejectedResult).reason as CarrierError);
    for (const e of errors)
      expect(e).toMatchObject({ failureClass: 'unavailable', auth: true, outcome: 'not_sent' });
    // Those that joined the flight share its very error object.
    expect(errors.filter((e) => e === errors[0]).length).toBeGreaterThan(1);
    expect(errors[0]).toMatchObject({ status: 503 });
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(1);
    // Within the cooldown: the classified error at once, no token call.
    const cooled = await broker.credential(account, 'primary').catch((e: CarrierError) => e);
    expect(cooled).toMatchObject({ failureClass: 'unavailable' });
    expect((cooled as CarrierError).retryAfterMs).toBeGreaterThan(0);
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(1);
    clock.advance(2 * 60_000);
    await broker.credential(account, 'primary');
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(2);
  });
});

async function seedAuthorization(
  broker: Parameters<typeof connectAccount>[1],
  account: Parameters<typeof connectAccount>[2],
): Promise<void> {
  await connectAccount(sandbox, broker, account);
}
