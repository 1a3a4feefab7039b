/**
 * The connect flow's problems belong to the API's one catalog: connect.ts (which may not
 * import src/api) repeats exactly the catalog's rows, every type it can answer is provoked
 * here through the real API against the sandbox's OAuth server and parses with the published
 * Problem schema, and the OpenAPI document describes both connect routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.ts';
import { PROBLEM_TABLE } from '../../src/api/problems.ts';
import { mountConnect } from '../../src/api/routes/connect.ts';
import { ProblemSchema } from '../../src/api/schemas.ts';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import { connectRoutes } from '../../src/auth/connect.ts';
import { CONNECT_PROBLEMS } from '../../src/auth/connect-problems.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import { genericProfile } from '../auth/support/generic-profile.ts';
import { accountOf, CARRIER, startGenericSandbox } from '../auth/support/harness.ts';
import { failingWrites } from '../auth/support/store-wrappers.ts';
import { type Harness, problemOf, startHarness } from './harness.ts';

let sandbox: Sandbox;
let h: Harness;
const store = failingWrites(createMemoryTokenStore());
const accounts = new Map<string, ResolvedAccount>();
const seen = new Set<string>();

beforeAll(async () => {
  sandbox = await startGenericSandbox();
  const broker = createCredentialBroker({ store, profileOf: () => genericProfile() });
  let publicBaseUrl = '';
  h = await startHarness({
    extraRoutes: (app) =>
      mountConnect(
        app,
        connectRoutes({
          control: createMemoryControlStore(),
          broker,
          findAccount: (carrier, id) => (carrier === CARRIER ? accounts.get(id) : undefined),
          profileOf: () => genericProfile(),
          get publicBaseUrl() {
            return publicBaseUrl;
          },
        }),
      ),
  });
  publicBaseUrl = h.url;
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
  await h?.close();
  await sandbox?.close();
});
beforeEach(async () => {
  await sandbox.control.reset(CARRIER);
});

const path = (id: string, step: 'authorize' | 'callback') => `/v1/connect/${CARRIER}/${id}/${step}`;

/** Authorize (with the caller key) and let the carrier redirect: the callback URL it sends back. */
async function carrierRedirect(id: string): Promise<URL> {
  const start = await h.fetch(path(id, 'authorize'), { redirect: 'manual' });
  expect(start.status).toBe(302);
  const atCarrier = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  return new URL(atCarrier.headers.get('location') ?? '');
}

async function expectProblem(res: Response, name: keyof typeof CONNECT_PROBLEMS) {
  const body = ProblemSchema.parse(await problemOf(res));
  expect(res.status).toBe(CONNECT_PROBLEMS[name].status);
  expect(body).toMatchObject({
    type: `/problems/${name}`,
    status: res.status,
    title: CONNECT_PROBLEMS[name].title,
  });
  seen.add(name);
  return body;
}

describe('connect problems are catalog problems', () => {
  it('connect.ts repeats exactly the catalog rows it uses, and the catalog has no connect type it does not use', () => {
    for (const [name, row] of Object.entries(CONNECT_PROBLEMS)) {
      const entry = PROBLEM_TABLE.find((p) => p.name === name);
      expect(entry, name).toBeDefined();
      expect({ title: entry?.title, status: entry?.status }).toEqual(row);
    }
    const catalogConnect = PROBLEM_TABLE.filter((p) => p.name.startsWith('connect-')).map((p) => p.name);
    expect(catalogConnect.sort()).toEqual(
      Object.keys(CONNECT_PROBLEMS)
        .filter((n) => n.startsWith('connect-'))
        .sort(),
    );
  });

  it('not-found and connect-unsupported on authorize', async () => {
    await expectProblem(await h.fetch(path('nobody', 'authorize'), { redirect: 'manual' }), 'not-found');
    const p = await expectProblem(
      await h.fetch(path('cc', 'authorize'), { redirect: 'manual' }),
      'connect-unsupported',
    );
    expect(p.carrier).toBe(CARRIER);
  });

  it('connect-state-invalid on a forged, missing or reused state (no key needed on the callback)', async () => {
    await expectProblem(
      await h.fetch(`${path('default', 'callback')}?state=forged&code=x`, { key: null }),
      'connect-state-invalid',
    );
    await expectProblem(
      await h.fetch(`${path('default', 'callback')}?code=x`, { key: null }),
      'connect-state-invalid',
    );
  });

  it('connect-denied when the carrier redirects back with an OAuth error', async () => {
    const callback = await carrierRedirect('scoped'); // the simulator refuses scope 'admin'
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
    const p = await expectProblem(await fetch(callback), 'connect-denied');
    expect(p.carrier).toBe(CARRIER);
  });

  it('connect-exchange-failed with carrier and class when the code is refused', async () => {
    const callback = await carrierRedirect('default');
    callback.searchParams.set('code', 'not-the-code');
    const p = await expectProblem(await fetch(callback), 'connect-exchange-failed');
    expect(p).toMatchObject({ carrier: CARRIER, class: 'revoked' });
  });

  it('connect-store-failed with carrier and class when the token store refuses the write', async () => {
    const callback = await carrierRedirect('default');
    store.failNext(100); // every attempt of the write fails
    try {
      const p = await expectProblem(await fetch(callback), 'connect-store-failed');
      expect(p).toMatchObject({ carrier: CARRIER, class: 'unavailable' });
    } finally {
      store.failNext(0);
    }
    // And the happy path still answers 200 once the store is back.
    const ok = await fetch(await carrierRedirect('default'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ connected: true, carrier: CARRIER, account: 'default' });
  });

  it('the OpenAPI document describes both connect routes and their problem types', async () => {
    const doc = (await (await h.fetch('/openapi.json', { key: null })).json()) as {
      paths: Record<
        string,
        Record<string, { security?: unknown; responses: Record<string, { description: string }> }>
      >;
    };
    const authorize = doc.paths['/v1/connect/{carrier}/{account}/authorize']?.get;
    const callback = doc.paths['/v1/connect/{carrier}/{account}/callback']?.get;
    expect(authorize?.security).toEqual([{ bearerAuth: [] }]);
    expect(authorize?.responses['302']).toBeDefined();
    expect(authorize?.responses['409']?.description).toContain('/problems/connect-unsupported');
    expect(callback?.security).toBeUndefined();
    expect(callback?.responses['200']).toBeDefined();
    const described = Object.values(callback?.responses ?? {})
      .map((r) => r.description)
      .join('\n');
    for (const name of Object.keys(CONNECT_PROBLEMS)) expect(described).toContain(`/problems/${name}`);
    // Connect-only types stay out of the other routes' answers.
    expect(JSON.stringify(doc.paths['/v1/rates'])).not.toContain('/problems/connect-');
  });
});

afterAll(() => {
  // Guard: every type connect.ts can answer was provoked above.
  expect([...seen].sort()).toEqual(Object.keys(CONNECT_PROBLEMS).sort());
});
