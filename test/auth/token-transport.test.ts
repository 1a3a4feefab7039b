/**
 * Token calls over either transport the runtimes give the broker: the Node pools
 * (`undici.request`, what the Node composition root uses) and a WHATWG fetch (what Workers and
 * injected fetches use). Same answers, same classification, over real HTTP: a token read from
 * a compressed answer, a redirect answered as it is (never followed), a refused connection and
 * a hanging endpoint.
 */
import { createHook } from 'node:async_hooks';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialBroker } from '../../src/auth/broker.ts';
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import { tokenTransport } from '../../src/auth/strategies/token-http.ts';
import type { ResolvedAccount } from '../../src/config/account.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { createMemoryTokenStore } from '../../src/store/memory.ts';
import type { UpstreamTransport } from '../../src/upstream/transport.ts';
import { type Served, serveFetch } from './support/http-server.ts';

const profile: CarrierAuthProfile = {
  methods: {
    client_credentials: { kind: 'client_credentials', tokenPath: '/oauth/token', clientAuth: 'basic' },
  },
  default: 'client_credentials',
  credentialFields: { client_credentials: ['clientId', 'clientSecret'] },
};

const account = (id: string, baseUrl: string): ResolvedAccount => ({
  carrier: 'transport-test',
  id,
  environment: 'sandbox',
  authMethod: 'client_credentials',
  secrets: { clientId: 'client-1', clientSecret: 'secret-1' },
  settings: {},
  labels: {},
  baseUrls: { default: baseUrl },
});

/** What the token server saw: each request's path, method and the headers that matter. */
const seen: { path: string; method: string; accept: string | null; authorization: string | null }[] = [];
let server: Served;
let hang: () => void = () => {};

beforeAll(async () => {
  server = await serveFetch(async (req) => {
    const url = new URL(req.url);
    seen.push({
      path: url.pathname,
      method: req.method,
      accept: req.headers.get('accept'),
      authorization: req.headers.get('authorization'),
    });
    if (url.pathname === '/gzip/oauth/token') {
      const body = gzipSync(
        JSON.stringify({ access_token: 'gz-token', token_type: 'Bearer', expires_in: 3600 }),
      );
      return new Response(body, {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
    }
    if (url.pathname === '/moved/oauth/token')
      return new Response(null, { status: 302, headers: { location: `${url.origin}/elsewhere` } });
    if (url.pathname === '/elsewhere') return Response.json({ access_token: 'followed', expires_in: 3600 });
    if (url.pathname === '/hang/oauth/token') await new Promise<void>((resolve) => (hang = resolve));
    return new Response('not here', { status: 404 });
  });
});
afterAll(async () => {
  hang();
  await server.close();
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function failureOf(promise: Promise<unknown>): Promise<CarrierError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CarrierError);
  return error as CarrierError;
}

const pools = createNodeUpstreamTransport();
afterAll(() => pools.close());

describe.each<[string, () => UpstreamTransport]>([
  ['the Node pools', () => pools.transportFor(1_000)],
  ['a WHATWG fetch (Workers, injected)', () => tokenTransport(undefined, fetch)],
])('token calls over %s', (_name, transportOf) => {
  const broker = () =>
    createCredentialBroker({
      store: createMemoryTokenStore(),
      profileOf: () => profile,
      transport: transportOf(),
      tokenCallTimeoutMs: 1_500,
    });

  it('reads a gzip-compressed token answer, sending Basic client auth and Accept: application/json', async () => {
    seen.length = 0;
    const credential = await broker().credential(account('gzip', `${server.url}/gzip`), 'primary');
    expect(credential.headers.Authorization).toBe('Bearer gz-token');
    expect(seen).toEqual([
      {
        path: '/gzip/oauth/token',
        method: 'POST',
        accept: 'application/json',
        authorization: `Basic ${btoa('client-1:secret-1')}`,
      },
    ]);
  });

  it('answers a redirect as it is: unavailable with its status, the new location never asked', async () => {
    seen.length = 0;
    const error = await failureOf(broker().credential(account('moved', `${server.url}/moved`), 'primary'));
    expect(error.failureClass).toBe('unavailable');
    expect(error.status).toBe(302);
    expect(seen.map((s) => s.path)).toEqual(['/moved/oauth/token']);
  });

  it('classifies a refused connection as unavailable (network error), not sent', async () => {
    const port = await closedPort();
    const error = await failureOf(
      broker().credential(account('refused', `http://127.0.0.1:${port}`), 'primary'),
    );
    expect(error.failureClass).toBe('unavailable');
    expect(error.code).toBe('network_error');
    expect(error.outcome).toBe('not_sent');
  });

  it('leaves no timer behind once the token is in (its timeout timer is cleared, not left to fire)', async () => {
    // A timeout no other timer of the process has, so the call's own timer can be told apart
    // (`_idleTimeout` is the delay Node keeps on every Timeout object).
    const timeoutMs = 600_007;
    const pending = new Set<number>();
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === timeoutMs)
          pending.add(id);
      },
      destroy(id) {
        pending.delete(id);
      },
    }).enable();
    try {
      const credential = await createCredentialBroker({
        store: createMemoryTokenStore(),
        profileOf: () => profile,
        transport: transportOf(),
        tokenCallTimeoutMs: timeoutMs,
      }).credential(account('gzip-timer', `${server.url}/gzip`), 'primary');
      expect(credential.headers.Authorization).toBe('Bearer gz-token');
      // Node reports a cleared timer's end on a later turn: wait for that state.
      const until = Date.now() + 15_000;
      while (pending.size > 0 && Date.now() < until) await new Promise((resolve) => setImmediate(resolve));
      expect(pending.size).toBe(0);
    } finally {
      hook.disable();
    }
  });

  it('classifies a token endpoint that never answers as unavailable (timeout)', async () => {
    const error = await failureOf(broker().credential(account('hang', `${server.url}/hang`), 'primary'));
    expect(error.failureClass).toBe('unavailable');
    expect(error.code).toBe('timeout');
    hang();
  });
});
