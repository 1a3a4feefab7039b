/** Request correctness and tenant isolation (chaos D1-D4), over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { genericProfile } from './support/generic-profile.ts';
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

async function pingAccount(headers: Readonly<Record<string, string>>): Promise<string | undefined> {
  const res = await fetch(`${sandbox.baseUrl(CARRIER)}/api/ping`, { headers });
  const body = (await res.json()) as { account?: string };
  return body.account;
}

describe('request correctness and isolation', () => {
  it('D1 (31): the token request carries the configured scope, audience and extra parameters', async () => {
    const profile = genericProfile({
      scope: 'rates labels',
      extraParams: { audience: 'https://api.example.test', resource: 'urn:shipping' },
    });
    const { broker } = brokerFor({ profile });
    await broker.credential(accountOf(sandbox), 'primary');
    const [request] = (await sandbox.control.stats(CARRIER)).tokenRequests;
    expect(request?.grant).toBe('client_credentials');
    expect(request?.params).toMatchObject({
      scope: 'rates labels',
      audience: 'https://api.example.test',
      resource: 'urn:shipping',
    });
  });

  it('D2 (32): client secrets with + / = : and spaces work with Basic, form and JSON client authentication', async () => {
    const secret = 'p+s/w=rd:with space';
    await sandbox.control.addAccount(CARRIER, {
      id: 'special',
      secrets: { clientId: 'special-client', clientSecret: secret },
    });
    for (const clientAuth of ['basic', 'form', 'json'] as const) {
      const { broker } = brokerFor({ profile: genericProfile({ clientAuth }) });
      const c = await broker.credential(accountOf(sandbox, { simAccount: 'special' }), 'primary');
      expect(await ping(sandbox, c.headers)).toBe(200);
    }
    expect((await sandbox.control.stats(CARRIER)).tokenCalls.special).toBe(3);
  });

  it('D3 (33): cache keys separate carrier environment, account, scope and client id: no token crosses tenants', async () => {
    const { broker, store } = brokerFor();
    const a = accountOf(sandbox);
    const b = accountOf(sandbox, { simAccount: 'scoped' });
    const sameIdOtherEnv = { ...a, environment: 'production' as const };
    const sameIdOtherScope = { ...a, settings: { scope: 'labels' } };
    const creds = await Promise.all(
      [a, b, sameIdOtherEnv, sameIdOtherScope].map((x) => broker.credential(x, 'primary')),
    );
    expect(new Set(creds.map((c) => c.fingerprint)).size).toBe(4);
    expect(await pingAccount(creds[0]?.headers ?? {})).toBe('default');
    expect(await pingAccount(creds[1]?.headers ?? {})).toBe('scoped');
    const keys = (store as unknown as { keys(): string[] }).keys();
    expect(keys).toHaveLength(4);
    for (const key of keys) {
      expect(key).toMatch(/^tok:[0-9a-f]{64}$/);
      for (const secret of ['generic-secret', 'scoped-secret', 'generic-client', 'default']) {
        expect(key).not.toContain(secret);
      }
    }
    // Asking again serves each tenant its own cached token.
    const again = await broker.credential(b, 'primary');
    expect(again.fingerprint).toBe(creds[1]?.fingerprint);
  });

  it('D4 (34): after a secret rotation the new secret is used on the next fetch; issued tokens keep working', async () => {
    await sandbox.control.addAccount(CARRIER, {
      id: 'rot',
      secrets: { clientId: 'rot-client', clientSecret: 'old-secret' },
    });
    const { broker, clock } = brokerFor();
    const before = accountOf(sandbox, { simAccount: 'rot' });
    const first = await broker.credential(before, 'primary');
    await sandbox.control.addAccount(CARRIER, {
      id: 'rot',
      secrets: { clientId: 'rot-client', clientSecret: 'new-secret' },
    });
    const after = { ...before, secrets: { ...before.secrets, clientSecret: 'new-secret' } };
    expect(await ping(sandbox, first.headers)).toBe(200);
    clock.advance(2 * HOUR);
    const second = await broker.credential(after, 'primary');
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(await ping(sandbox, second.headers)).toBe(200);
    expect(await ping(sandbox, first.headers)).toBe(200); // already-issued token still valid at the carrier
  });
});
