/** startSandbox serves each simulator under its own prefix with its real paths, on one port. */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericOAuth } from '../../sandbox/generic-oauth.ts';
import { apiGuard, guardedAccount, rfc6749Renderer } from '../../sandbox/kit/index.ts';
import type { SimulatorFactory } from '../../sandbox/kit/types.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';

/** A minimal carrier-like simulator written only with the kit, as carrier helpers do. */
const tinyCarrier: SimulatorFactory = (sim) => {
  const app = new Hono();
  const renderer = rfc6749Renderer();
  app.post('/v1/token', (c) => {
    const account = sim.accounts.get('acme');
    if (!account) return renderer.token('invalid_client');
    const token = sim.tokens.issue(account, { lifetimeSeconds: 60 });
    return c.json({ token: token.accessToken });
  });
  app.get('/v1/whoami', apiGuard(sim, renderer, { endpoint: 'whoami' }), (c) =>
    c.json({ account: guardedAccount(c)?.id, path: c.req.path }),
  );
  app.get('/v1/query', (c) => c.json(c.req.query()));
  return {
    app,
    sandboxAccounts: [{ id: 'acme', secrets: { apiKey: 'k-1' }, settings: { accountNumber: 'A1' } }],
  };
};

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ simulators: { tiny: tinyCarrier, 'generic-oauth': createGenericOAuth } });
});
afterAll(async () => {
  await sandbox.close();
});

describe('startSandbox', () => {
  it('listens on an ephemeral loopback port and gives each simulator a base URL', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.baseUrl('tiny')).toBe(`${sandbox.url}/tiny`);
    expect(() => sandbox.baseUrl('nope')).toThrow();
  });

  it('serves the simulator under its prefix with the prefix stripped, query intact', async () => {
    const { token } = (await (
      await fetch(`${sandbox.baseUrl('tiny')}/v1/token`, { method: 'POST' })
    ).json()) as {
      token: string;
    };
    const who = await fetch(`${sandbox.baseUrl('tiny')}/v1/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await who.json()).toEqual({ account: 'acme', path: '/v1/whoami' });
    const q = await fetch(`${sandbox.baseUrl('tiny')}/v1/query?a=1&b=two`);
    expect(await q.json()).toEqual({ a: '1', b: 'two' });
  });

  it('keeps the simulators apart: tokens of one are unknown to the other, stats are per carrier', async () => {
    const { token } = (await (
      await fetch(`${sandbox.baseUrl('tiny')}/v1/token`, { method: 'POST' })
    ).json()) as {
      token: string;
    };
    const ping = await fetch(`${sandbox.baseUrl('generic-oauth')}/api/ping`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ping.status).toBe(401);
    const all = await sandbox.control.allStats();
    expect(Object.keys(all).sort()).toEqual(['generic-oauth', 'tiny']);
    expect(all.tiny?.apiCalls.whoami).toEqual({ '200': 1 });
    expect(all['generic-oauth']?.apiCalls.ping).toEqual({ '401': 1 });
  });

  it('registers sandbox accounts and exposes them', () => {
    expect(sandbox.accounts('tiny')).toEqual([
      { id: 'acme', secrets: { apiKey: 'k-1' }, settings: { accountNumber: 'A1' } },
    ]);
    expect(sandbox.accounts('generic-oauth').map((a) => a.id)).toEqual(['default', 'scoped']);
  });

  it('answers 404 for paths outside every simulator', async () => {
    expect((await fetch(`${sandbox.url}/unknown/v1/token`)).status).toBe(404);
  });

  it('refuses an invalid simulator id', async () => {
    await expect(startSandbox({ simulators: { 'Bad/Id': tinyCarrier } })).rejects.toThrow(
      /invalid simulator id/,
    );
  });

  it('with no simulators given, loads the registry (carriers/index.ts) and closes cleanly', async () => {
    const fromRegistry = await startSandbox();
    const stats = await fromRegistry.control.allStats();
    const { carriers } = await import('../../carriers/index.ts');
    expect(Object.keys(stats).sort()).toEqual(carriers.map((c) => c.id).sort());
    await fromRegistry.close();
  });
});
