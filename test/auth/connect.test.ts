/** The PKCE connect flow against the sandbox's generic OAuth server, over real HTTP end to end. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { connectRoutes } from '../../src/auth/connect.ts';
import { CONNECT_STATE_TTL_MS } from '../../src/auth/connect-state.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import type { MemoryTokenStore } from '../../src/store/memory.ts';
import { genericProfile } from './support/generic-profile.ts';
import { accountOf, brokerFor, CARRIER, fakeClock, ping, startGenericSandbox } from './support/harness.ts';
import { browse, type Served, serveFetch } from './support/http-server.ts';

let sandbox: Sandbox;
let gateway: Served;
let ctx: ReturnType<typeof brokerFor>;
const connectClock = fakeClock();
const accounts = new Map<string, ResolvedAccount>();

beforeAll(async () => {
  sandbox = await startGenericSandbox();
  ctx = brokerFor();
  let publicBaseUrl = '';
  const app = connectRoutes({
    control: createMemoryControlStore(),
    broker: ctx.broker,
    findAccount: (carrier, id) => (carrier === CARRIER ? accounts.get(id) : undefined),
    profileOf: () => genericProfile(),
    get publicBaseUrl() {
      return publicBaseUrl;
    },
    now: connectClock.now,
  });
  gateway = await serveFetch(app.fetch);
  publicBaseUrl = gateway.url;
  accounts.set('default', accountOf(sandbox, { authMethod: 'authorization_code' }));
  accounts.set(
    'scoped',
    accountOf(sandbox, {
      simAccount: 'scoped',
      authMethod: 'authorization_code',
      settings: { scope: 'admin' },
    }),
  );
  accounts.set('cc', accountOf(sandbox, { id: 'cc' }));
});
afterAll(async () => {
  await gateway.close();
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset(CARRIER);
});

const authorizeUrl = (id: string) => `${gateway.url}/v1/connect/${CARRIER}/${id}/authorize`;
const isCallback = (url: string) => url.startsWith(gateway.url) && url.includes('/callback');
const storeSize = () => (ctx.store as MemoryTokenStore).size();

async function expectProblem(res: Response, status: number, type: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('PKCE connect flow (generic OAuth server)', () => {
  it('authorize -> carrier redirect -> callback -> refresh token stored, then used by the broker', async () => {
    const first = await fetch(authorizeUrl('default'), { redirect: 'manual' });
    expect(first.status).toBe(302);
    const to = new URL(first.headers.get('location') ?? '');
    expect(to.origin + to.pathname).toBe(`${sandbox.baseUrl(CARRIER)}/oauth/authorize`);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('redirect_uri')).toBe(`${gateway.url}/v1/connect/${CARRIER}/default/callback`);
    expect(to.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(to.searchParams.get('client_id')).toBe('generic-client');

    const done = await browse(authorizeUrl('default'), isCallback);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      connected: true,
      carrier: CARRIER,
      account: 'default',
      refreshToken: true,
    });
    const account = accounts.get('default') as ResolvedAccount;
    const info = await ctx.broker.inspect(account);
    expect(info?.hasRefreshToken).toBe(true);
    const stats = await sandbox.control.stats(CARRIER);
    expect(stats.tokenCallsByGrant.default?.authorization_code).toBe(1);
    // The stored refresh token drives the next token.
    ctx.clock.advance(2 * 3_600_000);
    const c = await ctx.broker.credential(account, 'primary');
    expect(await ping(sandbox, c.headers)).toBe(200);
  });

  it('a reused state is refused and stores nothing', async () => {
    const first = await fetch(authorizeUrl('default'), { redirect: 'manual' });
    const simRes = await fetch(first.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = simRes.headers.get('location') ?? '';
    expect((await fetch(callback)).status).toBe(200);
    const size = storeSize();
    const again = await fetch(callback);
    const body = await expectProblem(again, 400, '/problems/connect-state-invalid');
    expect(String(body.detail)).toMatch(/already used|unknown/);
    expect(storeSize()).toBe(size);
  });

  it('an unknown, mismatched or expired state is refused and stores nothing', async () => {
    const size = storeSize();
    await expectProblem(
      await fetch(`${gateway.url}/v1/connect/${CARRIER}/default/callback?state=forged&code=x`),
      400,
      '/problems/connect-state-invalid',
    );
    await expectProblem(
      await fetch(`${gateway.url}/v1/connect/${CARRIER}/default/callback?code=x`),
      400,
      '/problems/connect-state-invalid',
    );

    const other = await fetch(authorizeUrl('default'), { redirect: 'manual' });
    const state = new URL(other.headers.get('location') ?? '').searchParams.get('state');
    const mismatched = await fetch(`${gateway.url}/v1/connect/${CARRIER}/cc/callback?state=${state}&code=x`);
    await expectProblem(mismatched, 400, '/problems/connect-state-invalid');

    const late = await fetch(authorizeUrl('default'), { redirect: 'manual' });
    const simRes = await fetch(late.headers.get('location') ?? '', { redirect: 'manual' });
    connectClock.advance(CONNECT_STATE_TTL_MS + 1);
    const expired = await fetch(simRes.headers.get('location') ?? '');
    const body = await expectProblem(expired, 400, '/problems/connect-state-invalid');
    expect(String(body.detail)).toMatch(/expired/);
    expect(storeSize()).toBe(size);
  });

  it('a carrier error= redirect and a failed code exchange are clear problems and store nothing', async () => {
    const size = storeSize();
    const denied = await browse(authorizeUrl('scoped'), isCallback); // the sim refuses scope 'admin'
    const body = await expectProblem(denied, 400, '/problems/connect-denied');
    expect(String(body.detail)).toContain('invalid_scope');

    const start = await fetch(authorizeUrl('default'), { redirect: 'manual' });
    const simRes = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = new URL(simRes.headers.get('location') ?? '');
    callback.searchParams.set('code', 'not-the-code');
    const failed = await fetch(callback);
    const problem = await expectProblem(failed, 502, '/problems/connect-exchange-failed');
    expect(problem.carrier).toBe(CARRIER);
    expect(problem.class).toBe('revoked');
    expect(storeSize()).toBe(size);
  });

  it('unknown accounts are 404 and accounts without the authorization code method are 409', async () => {
    await expectProblem(
      await fetch(authorizeUrl('nobody'), { redirect: 'manual' }),
      404,
      '/problems/not-found',
    );
    await expectProblem(
      await fetch(authorizeUrl('cc'), { redirect: 'manual' }),
      409,
      '/problems/connect-unsupported',
    );
  });
});
