/** The store under stress: lost updates, crashes before commit, failing writes (chaos A5, A8, A9). */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import type { CarrierError } from '../../src/domain/failure.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { connectAccount, storedValue, storeKeyOf } from './support/connect-helpers.ts';
import { accountOf, brokerFor, CARRIER, ping, startGenericSandbox } from './support/harness.ts';
import { failingWrites, gatedWrites, interleaving } from './support/store-wrappers.ts';

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

describe('store chaos', () => {
  it('A5 (5): lost update: a refresh result written on a stale version is rejected and the newer token adopted', async () => {
    const inner = createMemoryTokenStore();
    const store = interleaving(inner);
    const a = brokerFor({ store });
    const b = brokerFor({ store: inner, now: a.clock.now });
    const account = accountOf(sandbox);
    await a.broker.credential(account, 'primary');
    a.clock.advance(2 * HOUR);
    let other = '';
    // Instance B refreshes and writes right after instance A has read the (expired) entry.
    store.afterNextRead(async () => {
      other = (await b.broker.credential(account, 'primary')).fingerprint;
    });
    const got = await a.broker.credential(account, 'primary');
    expect(got.fingerprint).toBe(other);
    const stored = await storedValue(inner);
    expect(got.headers.Authorization).toBe(`Bearer ${stored?.accessToken}`);
    // A did call the endpoint, but its write on the stale version lost.
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(3);
  });

  it('A8 (8): waiters are answered only after the store commit of a rotated refresh token', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const inner = createMemoryTokenStore();
    const store = gatedWrites(inner);
    const { broker, clock } = brokerFor({ store });
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    const seeding = connectAccount(sandbox, broker, account);
    await vi.waitFor(() => expect(store.waiting()).toBe(1), { timeout: 5_000 });
    store.release();
    await seeding;
    const gated = gatedWrites(inner);
    const b2 = brokerFor({ store: gated, now: clock.now });
    clock.advance(2 * HOUR);
    let answered = 0;
    const callers = Array.from({ length: 10 }, () =>
      b2.broker.credential(account, 'primary').then((c) => {
        answered += 1;
        return c;
      }),
    );
    await vi.waitFor(() => expect(gated.waiting()).toBe(1), { timeout: 5_000 });
    expect(answered).toBe(0); // the new refresh token is not yet stored: nobody has it
    gated.release();
    const results = await Promise.all(callers);
    expect(answered).toBe(10);
    expect(results[0]?.headers.Authorization).toBe(`Bearer ${(await storedValue(inner))?.accessToken}`);
  });

  it('A8 (8): a crash after the 200 but before the commit ends in revoked, once, not in a loop', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const inner = createMemoryTokenStore();
    const first = brokerFor({ store: inner });
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    await connectAccount(sandbox, first.broker, account);
    // The "crashing" instance: its refresh succeeds at the carrier but never reaches the store.
    const broken = failingWrites(inner);
    broken.failNext(1_000_000);
    const crashing = brokerFor({ store: broken, now: first.clock.now });
    first.clock.advance(2 * HOUR);
    await crashing.broker.credential(account, 'primary');
    // The process dies here. A fresh instance only has the store's (spent) refresh token.
    const next = brokerFor({ store: inner, now: first.clock.now });
    const error = (await next.broker.credential(account, 'primary').catch((e) => e)) as CarrierError;
    expect(error).toMatchObject({ failureClass: 'revoked', auth: true });
    const calls = (await sandbox.control.stats(CARRIER)).tokenCalls.default;
    const again = (await next.broker.credential(account, 'primary').catch((e) => e)) as CarrierError;
    expect(again).toMatchObject({ failureClass: 'revoked' });
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(calls); // short-circuited
  });

  it('A9 (9): a store write failing after a refresh keeps the new token in memory and retries the write', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const inner = createMemoryTokenStore();
    const store = failingWrites(inner);
    const { broker, clock, logger } = brokerFor({ store });
    const account = accountOf(sandbox, { authMethod: 'authorization_code' });
    const seeded = await connectAccount(sandbox, broker, account);
    clock.advance(2 * HOUR);
    store.failNext(5); // more than one write's attempts: the background flush must finish the job
    const fresh = await broker.credential(account, 'primary');
    expect(await ping(sandbox, fresh.headers)).toBe(200);
    expect((await broker.inspect(account))?.unsaved).toBe(true);
    expect((await storedValue(inner))?.refreshToken).toBe(seeded.refreshToken);
    await vi.waitFor(async () => expect((await broker.inspect(account))?.unsaved).toBe(false), {
      timeout: 10_000,
      interval: 100,
    });
    const stored = await storedValue(inner);
    expect(stored?.refreshToken).not.toBe(seeded.refreshToken);
    expect(fresh.headers.Authorization).toBe(`Bearer ${stored?.accessToken}`);
    expect(logger.lines.some((l) => l.includes('token store'))).toBe(true);
    // The next refresh uses the new refresh token: no reuse, no family revocation.
    clock.advance(2 * HOUR);
    const next = await broker.credential(account, 'primary');
    expect(await ping(sandbox, next.headers)).toBe(200);
    expect((await sandbox.control.stats(CARRIER)).refreshTokenReuse.default ?? 0).toBe(0);
  });

  it('a configured seed refresh token seen superseded is never presented again: not after a revocation, not after the store lost everything', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const base = accountOf(sandbox, { authMethod: 'authorization_code' });
    // An operator connected once elsewhere and configured the refresh token it got: the seed.
    const elsewhere = brokerFor({ store: createMemoryTokenStore() });
    const seed = (await connectAccount(sandbox, elsewhere.broker, base)).refreshToken;
    const account = { ...base, secrets: { ...base.secrets, refreshToken: seed ?? '' } };
    const store = createMemoryTokenStore();
    const { broker, clock } = brokerFor({ store });
    await broker.credential(account, 'primary'); // the seed is spent: a new refresh token is stored
    await broker.revoke(account, { keepAuthorization: false });
    await store.delete(await storeKeyOf(account)); // the store comes back empty
    clock.advance(2 * HOUR);
    const refused = (await broker.credential(account, 'primary').catch((e: unknown) => e)) as CarrierError;
    expect(refused).toMatchObject({ failureClass: 'revoked', code: 'no_refresh_token' });
    expect((await sandbox.control.stats(CARRIER)).refreshTokenReuse.default ?? 0).toBe(0);
  });
});
