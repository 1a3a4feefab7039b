/**
 * The broker and the connect flow against panva's oidc-provider, an independent strict
 * implementation: client credentials, authorization code + PKCE, rotating refresh tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoutes } from '../../src/auth/connect.ts';
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import { storedValue } from './support/connect-helpers.ts';
import { brokerFor } from './support/harness.ts';
import { browse, type Served, serveFetch } from './support/http-server.ts';
import { type OidcServer, startOidcServer } from './support/oidc-server.ts';

const CLIENT = { clientId: 'gateway', clientSecret: 'gateway-secret-value' };
const CARRIER = 'oidc';
let oidc: OidcServer;
let gateway: Served;
let ctx: ReturnType<typeof brokerFor>;
let account: ResolvedAccount;

const profile: CarrierAuthProfile = {
  methods: {
    client_credentials: {
      kind: 'client_credentials',
      tokenPath: '/token',
      clientAuth: 'basic',
      scope: 'api',
    },
    authorization_code: {
      kind: 'authorization_code',
      tokenPath: '/token',
      authorizeUrlPath: '/auth',
      clientAuth: 'basic',
      scope: 'openid api',
      rotatesRefreshToken: true,
    },
  },
  default: 'authorization_code',
  credentialFields: {},
};

beforeAll(async () => {
  ctx = brokerFor({ profile });
  let publicBaseUrl = '';
  const app = connectRoutes({
    control: createMemoryControlStore(),
    broker: ctx.broker,
    findAccount: (carrier, id) => (carrier === CARRIER && id === account.id ? account : undefined),
    profileOf: () => profile,
    get publicBaseUrl() {
      return publicBaseUrl;
    },
  });
  gateway = await serveFetch(app.fetch);
  publicBaseUrl = gateway.url;
  oidc = await startOidcServer({
    ...CLIENT,
    redirectUris: [`${gateway.url}/v1/connect/${CARRIER}/op/callback`],
  });
  account = {
    carrier: CARRIER,
    id: 'op',
    environment: 'sandbox',
    authMethod: 'authorization_code',
    secrets: { ...CLIENT },
    settings: {},
    labels: {},
    baseUrls: { default: oidc.issuer },
  };
});
afterAll(async () => {
  await gateway.close();
  await oidc.close();
});

async function introspect(token: string): Promise<{ active: boolean }> {
  const res = await fetch(`${oidc.issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await res.json()) as { active: boolean };
}

async function refreshDirectly(refreshToken: string): Promise<number> {
  const res = await fetch(`${oidc.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

const bearer = (headers: Readonly<Record<string, string>>) =>
  (headers.Authorization ?? '').replace(/^Bearer /, '');

describe('oidc-provider', () => {
  it('client credentials: a token the provider itself reports active', async () => {
    const { broker } = brokerFor({ profile });
    const c = await broker.credential({ ...account, id: 'cc', authMethod: 'client_credentials' }, 'primary');
    expect((await introspect(bearer(c.headers))).active).toBe(true);
  });

  it('PKCE connect flow end to end, then rotating refresh tokens through the store', async () => {
    const done = await browse(
      `${gateway.url}/v1/connect/${CARRIER}/op/authorize`,
      (u) => u.startsWith(`${gateway.url}/v1/connect/`) && u.includes('/callback'),
    );
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ connected: true, refreshToken: true });
    const firstRefresh = (await storedValue(ctx.store, account, 'openid api'))?.refreshToken;
    expect(firstRefresh).toBeDefined();

    const initial = await ctx.broker.credential(account, 'primary');
    expect((await introspect(bearer(initial.headers))).active).toBe(true);

    ctx.clock.advance(2 * 3_600_000); // expired for the broker: refresh with rotation
    const refreshed = await ctx.broker.credential(account, 'primary');
    expect(refreshed.fingerprint).not.toBe(initial.fingerprint);
    expect((await introspect(bearer(refreshed.headers))).active).toBe(true);
    const secondRefresh = (await storedValue(ctx.store, account, 'openid api'))?.refreshToken;
    expect(secondRefresh).toBeDefined();
    expect(secondRefresh).not.toBe(firstRefresh);

    // And again: the store always holds the live one.
    ctx.clock.advance(2 * 3_600_000);
    const again = await ctx.broker.credential(account, 'primary');
    expect((await introspect(bearer(again.headers))).active).toBe(true);
    const third = (await storedValue(ctx.store, account, 'openid api'))?.refreshToken;
    expect(third).not.toBe(secondRefresh);
    // The rotated-away refresh token is dead at the provider.
    expect(await refreshDirectly(firstRefresh as string)).toBe(400);
  });
});
