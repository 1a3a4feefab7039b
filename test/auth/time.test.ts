/** Token payload and time (chaos C1-C8): lifetimes, early death, skew, storms, mass expiry, idle refresh tokens. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  MIN_PROACTIVE_REFRESH_INTERVAL_MS,
} from '../../src/auth/lifetime.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { storedValue } from './support/connect-helpers.ts';
import { accountOf, brokerFor, CARRIER, ping, startGenericSandbox } from './support/harness.ts';
import { type ShapedServer, shapedProfile, startShapedServer } from './support/shaped-server.ts';

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
  shaped.omitRefreshToken = false;
});
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Fault = Parameters<Sandbox['control']['injectFault']>[0];
const fault = (f: Omit<Fault, 'carrier' | 'target'>) =>
  sandbox.control.injectFault({ carrier: CARRIER, target: 'token', count: 1, ...f });

function shapedAccount(overrides: Partial<ResolvedAccount> = {}): ResolvedAccount {
  return {
    carrier: 'shaped',
    id: 'acct',
    environment: 'sandbox',
    authMethod: 'authorization_code',
    secrets: { clientId: 'shaped-client', clientSecret: 's', refreshToken: 'seed-refresh-token' },
    settings: {},
    labels: {},
    baseUrls: { default: shaped.url },
    ...overrides,
  };
}

describe('token payload and time', () => {
  it('C1 (23): a missing expires_in gets the conservative default; the token is used, then renewed', async () => {
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox);
    await fault({ kind: 'missing_expires_in' });
    const c = await broker.credential(account, 'primary');
    expect(c.expiresAt).toBe(clock.now() + DEFAULT_TOKEN_LIFETIME_SECONDS * 1000);
    expect(await ping(sandbox, c.headers)).toBe(200);
    clock.advance(DEFAULT_TOKEN_LIFETIME_SECONDS * 1000 + 1);
    const renewed = await broker.credential(account, 'primary');
    expect(renewed.fingerprint).not.toBe(c.fingerprint);
    expect(hooks.count({ outcome: 'failure' })).toBe(0);
  });

  it('C2 (24): expires_in as a string is parsed; zero is clamped to the default', async () => {
    const { broker, clock } = brokerFor();
    const account = accountOf(sandbox);
    await fault({ kind: 'expires_in_string' });
    const c = await broker.credential(account, 'primary');
    expect(c.expiresAt).toBe(clock.now() + 3600 * 1000);
    await sandbox.control.reset(CARRIER);
    await fault({ kind: 'expires_in_zero' });
    const zero = await brokerFor({ now: clock.now }).broker.credential(account, 'primary');
    expect(zero.expiresAt).toBe(clock.now() + DEFAULT_TOKEN_LIFETIME_SECONDS * 1000);
  });

  it('C3 (25): a refresh answer without refresh_token keeps the old one; the same one is a no-op; a new one replaces it', async () => {
    // Omitted: the shaped server leaves refresh_token out of refresh answers.
    const { broker, clock, store } = brokerFor({ profile: shapedProfile() });
    const account = shapedAccount();
    shaped.omitRefreshToken = true;
    await broker.credential(account, 'primary');
    expect((await storedValue(store))?.refreshToken).toBe('seed-refresh-token');
    clock.advance(5 * HOUR);
    await broker.credential(account, 'primary');
    expect((await storedValue(store))?.refreshToken).toBe('seed-refresh-token');
    expect(shaped.requests.at(-1)?.refresh_token).toBe('seed-refresh-token');
    // New refresh tokens replace the stored one.
    shaped.omitRefreshToken = false;
    clock.advance(5 * HOUR);
    await broker.credential(account, 'primary');
    const rotated = (await storedValue(store))?.refreshToken;
    expect(rotated).toBe(shaped.issued.at(-1)?.refreshToken);
    clock.advance(5 * HOUR);
    await broker.credential(account, 'primary');
    expect(shaped.requests.at(-1)?.refresh_token).toBe(rotated);

    // Same refresh token returned (the sim without rotation): stored value stays the same token.
    const sim = brokerFor();
    const simAccount = accountOf(sandbox, { authMethod: 'authorization_code' });
    const { connectAccount } = await import('./support/connect-helpers.ts');
    const seeded = await connectAccount(sandbox, sim.broker, simAccount);
    sim.clock.advance(2 * HOUR);
    const after = await sim.broker.credential(simAccount, 'primary');
    expect((await storedValue(sim.store))?.refreshToken).toBe(seeded.refreshToken);
    expect(await ping(sandbox, after.headers)).toBe(200);
  });

  it('C4 (26): a token that dies before expires_in: the 401 triggers one shared forced refresh, no loop', async () => {
    const { broker, hooks } = brokerFor();
    const account = accountOf(sandbox);
    const dead = await broker.credential(account, 'primary');
    await sandbox.control.revoke({ carrier: CARRIER }); // the carrier kills it early
    expect(await ping(sandbox, dead.headers)).toBe(401);
    const renewed = await Promise.all(
      Array.from({ length: 25 }, () => broker.rejected(account, 'primary', dead.fingerprint)),
    );
    expect(new Set(renewed.map((r) => r.fingerprint)).size).toBe(1);
    expect(hooks.count({ reason: 'forced' })).toBe(1);
    expect(await ping(sandbox, renewed[0]?.headers ?? {})).toBe(200);
    // A late report of the same dead token gets the current one without a token call.
    const late = await broker.rejected(account, 'primary', dead.fingerprint);
    expect(late.fingerprint).toBe(renewed[0]?.fingerprint);
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.default).toBe(2);
  });

  it('C5 (27): an instance clock 5 minutes ahead still computes expiry from local receipt + lifetime', async () => {
    await sandbox.control.addAccount(CARRIER, {
      id: 'jwt',
      secrets: { clientId: 'jwt-client', clientSecret: 'jwt-secret' },
      settings: { tokenFormat: 'jwt' },
    });
    const skewed = Date.now() + 5 * 60_000;
    const { broker, hooks } = brokerFor({ now: () => skewed });
    const account = accountOf(sandbox, { simAccount: 'jwt' });
    const c = await broker.credential(account, 'primary');
    expect(c.headers.Authorization?.split('.').length).toBe(3); // a JWT
    expect(c.expiresAt).toBe(skewed + 3600 * 1000);
    await broker.credential(account, 'primary');
    expect(hooks.count()).toBe(1); // no refresh because of the skew
  });

  it('C6 (28): a server issuing tokens shorter than the margin cannot cause a refresh storm', async () => {
    await sandbox.control.setMode({ carrier: CARRIER, tokenLifetimeSeconds: 4 });
    const { broker, clock, hooks } = brokerFor();
    const account = accountOf(sandbox);
    const span = 2 * MIN_PROACTIVE_REFRESH_INTERVAL_MS;
    let requests = 0;
    for (let t = 0; t < span; t += 100) {
      await broker.credential(account, 'primary');
      requests += 1;
      clock.advance(100);
    }
    await vi.waitFor(() => expect(hooks.calls.length).toBeGreaterThan(0));
    const calls = (await sandbox.control.stats(CARRIER)).tokenCalls.default ?? 0;
    // One call per real expiry at most (4 s tokens over 60 s), never one per request.
    expect(requests).toBe(600);
    expect(calls).toBeLessThanOrEqual(span / 4000 + 2);
    expect(hooks.count({ reason: 'proactive' })).toBeLessThanOrEqual(2);
  });

  it('C7 (29): tokens minted together refresh at spread-out times (jittered margin)', async () => {
    let i = 0;
    const random = () => {
      i += 1;
      return (i % 40) / 40;
    };
    const { broker, clock, hooks } = brokerFor({ random });
    const accounts = Array.from({ length: 40 }, (_, n) => accountOf(sandbox, { id: `mass-${n}` }));
    await Promise.all(accounts.map((a) => broker.credential(a, 'primary')));
    // Margins are 20-30% of the hour, drawn from r in {0, 1/40, ..., 39/40}: at 74.9% of the
    // lifetime exactly those with r >= 0.51 (19 of 40) are due.
    clock.advance(0.749 * HOUR);
    await Promise.all(accounts.map((a) => broker.credential(a, 'primary')));
    await vi.waitFor(() => expect(hooks.count({ reason: 'proactive' })).toBe(19));
    clock.advance(0.06 * HOUR); // past 80%: every remaining margin is due
    await Promise.all(accounts.map((a) => broker.credential(a, 'primary')));
    await vi.waitFor(() => expect(hooks.count({ reason: 'proactive' })).toBe(40));
  });

  it('C8 (30): an idle refresh token close to its own expiry is refreshed in the background', async () => {
    const { broker, clock, store } = brokerFor({ profile: shapedProfile() });
    shaped.refreshLifetimeSeconds = 7 * 24 * 3600;
    const account = shapedAccount({ id: 'idle' });
    await broker.credential(account, 'primary');
    const firstRefresh = (await storedValue(store))?.refreshToken;
    clock.advance(5 * DAY); // idle: nobody asked for a token
    expect(await broker.keepAlive()).toBe(0);
    clock.advance(0.8 * DAY); // within the keep-alive margin (20% of 7 days)
    expect(await broker.keepAlive()).toBe(1);
    const renewed = await storedValue(store);
    expect(renewed?.refreshToken).not.toBe(firstRefresh);
    expect(renewed?.refreshTokenExpiresAt).toBe(clock.now() + 7 * DAY);
    expect(await broker.keepAlive()).toBe(0);
  });
});
