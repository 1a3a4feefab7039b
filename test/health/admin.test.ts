/**
 * The admin API over real HTTP: admin keys only, an audit line per action, the credential
 * inventory without a single secret, revocation (at the carrier too), the revoke-all drill,
 * secret reload without restart, forced breakers, and the dashboard shell that holds no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/auth/types.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import type { MemoryTokenStore } from '../../src/store/memory.ts';
import { type HealthHarness, RATE_BODY, startHealthHarness } from './support/harness.ts';

const ADMIN_ROUTES: [string, string, unknown?][] = [
  ['GET', '/admin/credentials'],
  ['POST', '/admin/credentials/ups/ups-sandbox/revoke', {}],
  ['POST', '/admin/revoke-all', {}],
  ['POST', '/admin/credentials/reload'],
  ['POST', '/admin/breakers/ups/ups-sandbox', { kind: 'auth', state: 'open' }],
  ['POST', '/admin/probes/ups/ups-sandbox', {}],
  ['GET', '/admin/alerts'],
  ['GET', '/admin/dashboard/state'],
];

/** Every token value the store holds right now (to prove none leaks). */
async function storedSecrets(h: HealthHarness): Promise<string[]> {
  const store = h.composed.store as MemoryTokenStore;
  const values: string[] = [];
  for (const key of store.keys()) {
    const t = (await store.get(key))?.value as StoredToken | undefined;
    if (t?.accessToken) values.push(t.accessToken);
    if (t?.refreshToken) values.push(t.refreshToken);
  }
  return values;
}

const secretsOf = (accounts: readonly ResolvedAccount[]) => accounts.flatMap((a) => Object.values(a.secrets));

const tokenCalls = async (h: HealthHarness, carrier: string) =>
  Object.values((await h.control.stats(carrier)).tokenCalls).reduce((a, b) => a + b, 0);

const audits = (h: HealthHarness, action: string) =>
  h.logLines.filter((l) => l.msg === 'admin action' && l.action === action);

describe('admin API', () => {
  let h: HealthHarness;
  const rotated = 'rotated-fedex-secret-0001';
  let reloadAccounts: ResolvedAccount[] = [];

  beforeAll(async () => {
    h = await startHealthHarness({
      carriers: ['ups', 'fedex', 'usps'],
      health: { start: false, reload: async () => ({ accounts: reloadAccounts }) },
    });
  });
  afterAll(() => h.close());

  it('refuses a caller key (403) and a missing or unknown key (401) on every admin route', async () => {
    for (const [method, path, body] of ADMIN_ROUTES) {
      const asCaller = await h.request<{ type: string }>(method, path, body);
      expect(asCaller.status, `${method} ${path}`).toBe(403);
      expect(asCaller.body.type).toBe('/problems/forbidden');
      expect((await h.request(method, path, body, { key: null })).status).toBe(401);
      expect((await h.request(method, path, body, { key: 'sk_not_a_key' })).status).toBe(401);
    }
    // None of those refused calls did anything.
    expect(h.composed.gateway.board.for('ups', 'ups-sandbox').auth.state).toBe('closed');
    expect(h.logLines.filter((l) => l.msg === 'admin action')).toEqual([]);
  });

  it('serves the dashboard shell without a key, with no data in it', async () => {
    const page = await h.request('GET', '/dashboard', undefined, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    expect(page.text).toContain('Admin key');
    for (const a of h.accounts) expect(page.text).not.toContain(a.id);
  });

  it('lists every credential with dates and counts, and never a secret', async () => {
    for (const carriers of [['ups'], ['fedex'], ['usps']])
      expect((await h.request('POST', '/v1/rates', RATE_BODY(carriers))).status).toBe(200);
    const { status, body, text } = await h.admin<{
      credentials: {
        carrier: string;
        account: string;
        kind: string;
        credentialFields: string[];
        tokens: { name: string; cached: boolean; issuedAt?: string; expiresAt?: string }[];
        lastUsedAt?: string;
        refreshCount: number;
        dormant: boolean;
      }[];
    }>('GET', '/admin/credentials');
    expect(status).toBe(200);
    expect(body.credentials.map((c) => `${c.carrier}/${c.account}`).sort()).toEqual(
      h.accounts.map((a) => `${a.carrier}/${a.id}`).sort(),
    );
    const ups = body.credentials.find((c) => c.account === 'ups-sandbox');
    expect(ups).toMatchObject({
      kind: 'client_credentials',
      credentialFields: ['clientId', 'clientSecret'],
      refreshCount: 1,
      dormant: false,
      lastUsedAt: expect.any(String),
    });
    const primary = ups?.tokens.find((t) => t.name === 'primary');
    expect(primary).toMatchObject({
      cached: true,
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(primary?.expiresAt ?? '')).toBeGreaterThan(Date.parse(primary?.issuedAt ?? ''));
    // USPS has a derived payment token slot beside its primary token.
    expect(body.credentials.find((c) => c.account === 'default')?.tokens.map((t) => t.name)).toEqual([
      'primary',
      'payment',
    ]);

    const secrets = [...secretsOf(h.accounts), ...(await storedSecrets(h)), h.apiKey, h.adminKey];
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(audits(h, 'credentials.list')).toHaveLength(1);
  });

  it("revokes one account's tokens, at the carrier too where it has a revocation endpoint", async () => {
    const usps = h.accounts.find((a) => a.carrier === 'usps' && a.id === 'default')!;
    const before = (await storedSecrets(h)).filter((v) => h.sandbox.context('usps').tokens.verify(v).ok);
    expect(before.length).toBeGreaterThan(0);
    const { status, body } = await h.admin<{ carrierRevocation: string; tokensDropped: number }>(
      'POST',
      '/admin/credentials/usps/default/revoke',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      carrier: 'usps',
      account: 'default',
      carrierRevocation: 'revoked',
      tokensDropped: 1,
    });
    expect(await h.composed.broker.inspect(usps)).toBeUndefined();
    // The carrier itself no longer accepts the token that was revoked.
    expect(before.map((v) => h.sandbox.context('usps').tokens.verify(v))).toContainEqual({
      ok: false,
      reason: 'revoked',
    });

    const calls = await tokenCalls(h, 'usps');
    expect((await h.request('POST', '/v1/rates', RATE_BODY(['usps']))).status).toBe(200);
    expect(await tokenCalls(h, 'usps')).toBe(calls + 1);

    const ups = await h.admin<{ carrierRevocation: string }>(
      'POST',
      '/admin/credentials/ups/ups-sandbox/revoke',
    );
    expect(ups.body.carrierRevocation).toBe('unsupported');
    const line = audits(h, 'credentials.revoke').at(-1);
    expect(line).toMatchObject({
      audit: true,
      carrier: 'ups',
      account: 'ups-sandbox',
      outcome: 'ok',
      actor: expect.stringMatching(/^key_/),
    });
    expect(JSON.stringify(h.logLines)).not.toContain(h.adminKey);
    expect((await h.admin('POST', '/admin/credentials/ups/nobody/revoke')).status).toBe(404);
  });

  it('runs the revoke-all drill: every token dropped, the next requests re-authenticate, time reported', async () => {
    for (const carriers of [['ups'], ['fedex'], ['usps']])
      expect((await h.request('POST', '/v1/rates', RATE_BODY(carriers))).status).toBe(200);
    const store = h.composed.store as MemoryTokenStore;
    expect(store.size()).toBeGreaterThanOrEqual(3);
    const calls = {
      ups: await tokenCalls(h, 'ups'),
      fedex: await tokenCalls(h, 'fedex'),
      usps: await tokenCalls(h, 'usps'),
    };

    const { status, body } = await h.admin<{
      tokensDropped: number;
      remaining: number;
      durationMs: number;
      accounts: number;
    }>('POST', '/admin/revoke-all');
    expect(status).toBe(200);
    expect(body.accounts).toBe(h.accounts.length);
    expect(body.tokensDropped).toBeGreaterThanOrEqual(3);
    expect(body.remaining).toBe(0);
    expect(body.durationMs).toEqual(expect.any(Number));
    // Tombstones stay (a refresh in flight cannot write over them); none holds a token.
    for (const key of store.keys()) {
      const left = (await store.get(key))?.value;
      expect(left).toMatchObject({ accessToken: '', expiresAt: 0, revokedAt: expect.any(Number) });
      expect(left?.refreshToken).toBeUndefined();
    }
    for (const a of h.accounts) expect(await h.composed.broker.inspect(a)).toBeUndefined();
    expect(h.logLines.find((l) => l.msg === 'revoke-all drill finished')).toMatchObject({ remaining: 0 });

    for (const carriers of [['ups'], ['fedex'], ['usps']])
      expect((await h.request('POST', '/v1/rates', RATE_BODY(carriers))).status).toBe(200);
    expect(await tokenCalls(h, 'ups')).toBe(calls.ups + 1);
    expect(await tokenCalls(h, 'fedex')).toBe(calls.fedex + 1);
    expect(await tokenCalls(h, 'usps')).toBe(calls.usps + 1);
    expect(audits(h, 'credentials.revoke_all')).toHaveLength(1);
  });

  it('reloads a rotated secret without a restart', async () => {
    const fedex = h.accounts.find((a) => a.id === 'fedex-sandbox')!;
    // The carrier rotates the secret: the old one is refused from now on.
    await h.control.addAccount('fedex', {
      id: 'fedex-sandbox',
      secrets: { clientId: fedex.secrets.clientId!, clientSecret: rotated },
      settings: { ...fedex.settings },
    });
    await h.admin('POST', '/admin/credentials/fedex/fedex-sandbox/revoke');
    const refused = await h.request<{ messages: { class: string }[] }>(
      'POST',
      '/v1/rates',
      RATE_BODY(['fedex']),
    );
    expect(refused.body.messages[0]?.class).toBe('misconfigured');

    reloadAccounts = h.accounts.map((a) =>
      a === fedex ? { ...a, secrets: { ...a.secrets, clientSecret: rotated } } : { ...a },
    );
    const { status, body, text } = await h.admin<{ changed: unknown[]; unchanged: number }>(
      'POST',
      '/admin/credentials/reload',
    );
    expect(status).toBe(200);
    expect(body.changed).toEqual([{ carrier: 'fedex', account: 'fedex-sandbox', fields: ['clientSecret'] }]);
    expect(body.unchanged).toBe(h.accounts.length - 1);
    expect(text).not.toContain(rotated);

    const served = await h.request<{ messages: unknown[]; rates: unknown[] }>(
      'POST',
      '/v1/rates',
      RATE_BODY(['fedex']),
    );
    expect(served.body.messages).toEqual([]);
    expect(served.body.rates.length).toBeGreaterThan(0);
  });

  it('forces a breaker open and closed', async () => {
    const open = await h.admin<{ breakers: { auth: string } }>('POST', '/admin/breakers/ups/ups-sandbox', {
      kind: 'auth',
      state: 'open',
    });
    expect(open).toMatchObject({ status: 200, body: { breakers: { auth: 'open' } } });
    const rates = await h.request<{ messages: { carrier: string; code: string }[] }>(
      'POST',
      '/v1/rates',
      RATE_BODY(['ups']),
    );
    expect(rates.body.messages[0]).toMatchObject({ carrier: 'ups', code: 'breaker_open' });
    // The forced-open carrier was failed over; the dashboard lists it.
    const state = await h.admin<{
      failovers: { operation: string; requested: string; servedBy: string | null }[];
    }>('GET', '/admin/dashboard/state');
    expect(state.body.failovers[0]).toMatchObject({
      operation: 'rates',
      requested: 'ups',
      servedBy: expect.any(String),
    });
    expect(state.body.failovers[0]?.servedBy).not.toBe('ups');
    const closed = await h.admin('POST', '/admin/breakers/ups/ups-sandbox', {
      kind: 'auth',
      state: 'closed',
    });
    expect(closed).toMatchObject({ status: 200, body: { breakers: { auth: 'closed' } } });
    expect(
      (await h.request<{ messages: unknown[] }>('POST', '/v1/rates', RATE_BODY(['ups']))).body.messages,
    ).toEqual([]);
    expect(audits(h, 'breaker.force_open')).toHaveLength(1);
    expect(audits(h, 'breaker.force_closed')).toHaveLength(1);
    expect(
      (await h.admin('POST', '/admin/breakers/ups/ups-sandbox', { kind: 'auth', state: 'ajar' })).status,
    ).toBe(400);
  });
});

describe('admin API without a reloadable configuration', () => {
  let h: HealthHarness;
  beforeAll(async () => {
    h = await startHealthHarness({ carriers: ['ups'] });
  });
  afterAll(() => h.close());

  it('answers 422 to a reload', async () => {
    const { status, body } = await h.admin<{ type: string }>('POST', '/admin/credentials/reload');
    expect(status).toBe(422);
    expect(body.type).toBe('/problems/unprocessable');
  });
});
