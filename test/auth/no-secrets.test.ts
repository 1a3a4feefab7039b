/**
 * No secret, access token or refresh token in any log line, thrown error or problem body
 * produced here: the test collects them all and searches for every known value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { connectRoutes } from '../../src/auth/connect.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import type { MemoryTokenStore } from '../../src/store/memory.ts';
import { connectAccount } from './support/connect-helpers.ts';
import { genericProfile } from './support/generic-profile.ts';
import { accountOf, brokerFor, CARRIER, startGenericSandbox } from './support/harness.ts';
import { browse, serveFetch } from './support/http-server.ts';
import { type ShapedServer, shapedProfile, startShapedServer } from './support/shaped-server.ts';
import { failingWrites } from './support/store-wrappers.ts';

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

const HOUR = 3_600_000;

/** Everything an operator or a caller could ever see of an error. */
function visible(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const own = Object.fromEntries(Object.entries(e));
  return [e.message, e.name, JSON.stringify(own), String(e), e.stack ?? ''].join('\n');
}

describe('no secrets in logs, errors or problems', () => {
  it('covers success, every failure class, the store outage path and the connect flow', async () => {
    const outputs: string[] = [];
    const known = new Set<string>(['generic-secret', 'pass', 'scoped-secret', 'echo-secret-value']);
    const collect = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        expect(e).toBeInstanceOf(CarrierError);
        outputs.push(visible(e));
      }
    };

    await sandbox.control.setMode({ carrier: CARRIER, strictRotation: true });
    const inner = (await import('../../src/store/memory.ts')).createMemoryTokenStore();
    const store = failingWrites(inner);
    const { broker, clock, logger } = brokerFor({ store, tokenCallTimeoutMs: 300 });
    const authCode = accountOf(sandbox, { authMethod: 'authorization_code' });
    const cc = accountOf(sandbox, { id: 'cc' });
    const seeded = await connectAccount(sandbox, broker, authCode);
    known.add(seeded.accessToken).add(seeded.refreshToken as string);

    // Successes, including the store-outage path that logs about the token it keeps.
    const c1 = await broker.credential(cc, 'primary');
    const pay = await broker.credential(cc, 'payment');
    clock.advance(2 * HOUR);
    store.failNext(3);
    const c2 = await broker.credential(authCode, 'primary');
    for (const c of [c1, pay, c2])
      for (const v of Object.values(c.headers)) known.add(v.replace(/^Bearer /, ''));
    const stored = await inner.get((inner as MemoryTokenStore).keys()[0] as string);
    if (stored?.value.refreshToken) known.add(stored.value.refreshToken);

    // Every failure kind the sim can produce, each on a fresh key.
    const kinds = [
      'invalid_client',
      'invalid_scope',
      'unsupported_grant_type',
      'throttled',
      'server_error',
      'html_error',
      'malformed_json',
      'json_as_text',
      'error_body_200',
      'no_access_token',
      'hang',
    ] as const;
    for (const [i, kind] of kinds.entries()) {
      await sandbox.control.injectFault({ carrier: CARRIER, target: 'token', kind, count: 1 });
      await collect(broker.credential(accountOf(sandbox, { id: `f-${i}` }), 'primary'));
    }
    // Revoked: the stored refresh token is spent elsewhere first.
    await sandbox.control.revoke({ carrier: CARRIER });
    clock.advance(2 * HOUR);
    await collect(broker.credential(authCode, 'primary'));
    // Wrong secret, static credential refused, missing secret.
    await collect(
      broker.credential(
        { ...cc, id: 'bad', secrets: { clientId: 'generic-client', clientSecret: 'echo-secret-value' } },
        'primary',
      ),
    );
    await collect(
      broker.rejected(
        { ...cc, authMethod: 'api_key', secrets: { apiKey: 'echo-secret-value' } },
        'primary',
        'x',
      ),
    );

    // A server that echoes the secret back in its error code and description.
    const shapedAccount: ResolvedAccount = {
      carrier: 'shaped',
      id: 'echo',
      environment: 'sandbox',
      authMethod: 'client_credentials',
      secrets: { clientId: 'shaped-client', clientSecret: 'echo-secret-value' },
      settings: {},
      labels: {},
      baseUrls: { default: shaped.url },
    };
    shaped.script(
      {
        status: 400,
        body: { error: 'echo-secret-value', error_description: 'bad secret echo-secret-value' },
      },
      {
        status: 401,
        body: { response: { errors: [{ code: 'echo-secret-value', message: 'echo-secret-value' }] } },
      },
    );
    const echo = brokerFor({ profile: shapedProfile() });
    await collect(echo.broker.credential(shapedAccount, 'primary'));
    await collect(echo.broker.credential({ ...shapedAccount, id: 'echo2' }, 'primary'));

    // The connect flow's problems, including an error= and a code that echo the account's secret.
    let publicBaseUrl = '';
    const app = connectRoutes({
      control: createMemoryControlStore(),
      broker,
      findAccount: (_c, id) => (id === 'default' ? authCode : undefined),
      profileOf: () => genericProfile(),
      get publicBaseUrl() {
        return publicBaseUrl;
      },
    });
    const gw = await serveFetch(app.fetch);
    publicBaseUrl = gw.url;
    try {
      const start = await fetch(`${gw.url}/v1/connect/${CARRIER}/default/authorize`, { redirect: 'manual' });
      const state = new URL(start.headers.get('location') ?? '').searchParams.get('state');
      const bodies = [
        await fetch(`${gw.url}/v1/connect/${CARRIER}/default/callback?state=${state}&error=generic-secret`),
        await browse(`${gw.url}/v1/connect/${CARRIER}/default/authorize`, () => false).then(async (r) => r),
      ];
      const start2 = await fetch(`${gw.url}/v1/connect/${CARRIER}/default/authorize`, { redirect: 'manual' });
      const state2 = new URL(start2.headers.get('location') ?? '').searchParams.get('state');
      bodies.push(
        await fetch(`${gw.url}/v1/connect/${CARRIER}/default/callback?state=${state2}&code=generic-secret`),
      );
      for (const b of bodies) outputs.push(await b.text());
    } finally {
      await gw.close();
    }

    outputs.push(...logger.lines, ...echo.logger.lines);
    expect(logger.lines.length).toBeGreaterThan(5);
    expect(outputs.length).toBeGreaterThan(20);
    const haystack = outputs.join('\n');
    for (const value of known) {
      expect(value.length).toBeGreaterThan(3);
      expect(haystack.includes(value), `leaked a known secret or token (${value.length} chars)`).toBe(false);
    }
  });
});
