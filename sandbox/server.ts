/**
 * The sandbox server: every carrier simulator under /<carrierId> and the control API under
 * /_control, on one loopback port.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { consentPage } from './consent.ts';
import { createControlApp } from './control/app.ts';
import { type ControlClient, createControlClient } from './control-client.ts';
import { createSimContext, type SimContextOptions } from './kit/context.ts';
import type { SimAccount, SimContext, SimulatorFactory } from './kit/types.ts';

export interface SandboxOptions extends SimContextOptions {
  host?: string;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Simulators by carrier id; default: every carrier of carriers/index.ts. */
  simulators?: Record<string, SimulatorFactory>;
  /**
   * Show a login and consent page before each registered carrier's authorize endpoint
   * redirects (sandbox mode, for people); tests leave it off and follow the redirect at once.
   */
  consentPage?: boolean;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  /** Where the carrier's simulator answers (its real paths go after this). */
  baseUrl(carrierId: string): string;
  control: ControlClient;
  /** The carrier's accounts (sandbox accounts plus any added through the control API). */
  accounts(carrierId: string): SimAccount[];
  /** The carrier's simulator state, for in-process tests. */
  context(carrierId: string): SimContext;
  close(): Promise<void>;
}

const CARRIER_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Loads every registered carrier's simulator by convention: carriers/<id>/simulator/index.ts. */
export async function loadRegisteredSimulators(): Promise<Record<string, SimulatorFactory>> {
  const { carriers } = await import('../carriers/index.ts');
  const out: Record<string, SimulatorFactory> = {};
  for (const { id } of carriers) {
    const mod: { createSimulator?: SimulatorFactory } = await import(`../carriers/${id}/simulator/index.ts`);
    if (typeof mod.createSimulator !== 'function') {
      throw new Error(`carriers/${id}/simulator/index.ts does not export createSimulator`);
    }
    out[id] = mod.createSimulator;
  }
  return out;
}

/** The consent page in front of the authorize path of every registered carrier that has one. */
async function mountConsentPages(
  root: Hono,
  ids: readonly string[],
  contextOf: (id: string) => SimContext | undefined,
): Promise<void> {
  const { carriers } = await import('../carriers/index.ts');
  for (const carrier of carriers) {
    const method = carrier.auth.methods.authorization_code;
    if (!ids.includes(carrier.id) || method?.kind !== 'authorization_code') continue;
    const path = `/${carrier.id}/${method.authorizeUrlPath.replace(/^\/+/, '')}`;
    root.use(
      path,
      consentPage(carrier.displayName, () => {
        const sim = contextOf(carrier.id);
        if (!sim) throw new Error(`no simulator '${carrier.id}' in this sandbox`);
        return sim;
      }),
    );
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const simulators = options.simulators ?? (await loadRegisteredSimulators());
  const registry = new Map<string, SimContext>();
  const root = new Hono();
  root.route('/_control', createControlApp(registry));

  if (options.consentPage) await mountConsentPages(root, Object.keys(simulators), (id) => registry.get(id));

  for (const [id, factory] of Object.entries(simulators)) {
    if (!CARRIER_ID.test(id) || id === '_control') throw new Error(`invalid simulator id '${id}'`);
    const sim = createSimContext(id, options);
    const { app, sandboxAccounts } = factory(sim);
    for (const account of sandboxAccounts) sim.accounts.register(account);
    registry.set(id, sim);
    // mount strips the prefix: each carrier app sees its own real paths.
    root.mount(`/${id}`, app.fetch);
  }
  root.onError((err) => {
    // Never echo internals; the simulators hold secrets in memory.
    console.error(`sandbox: unhandled error: ${err.name}`);
    return new Response(JSON.stringify({ error: 'sandbox_internal_error' }), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    });
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: root.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(s));
    s.once('error', reject);
  });
  // Carriers' edges keep idle connections for a minute or more; Node's 5 s default makes a
  // client that reuses a socket just as the server drops it see a reset (workerd's fetch does
  // not retry that), which no carrier would cause.
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const contextOf = (id: string): SimContext => {
    const sim = registry.get(id);
    if (!sim) throw new Error(`no simulator '${id}' in this sandbox`);
    return sim;
  };

  return {
    url,
    baseUrl: (id) => `${url}/${contextOf(id).carrier}`,
    control: createControlClient(`${url}/_control`),
    accounts: (id) => contextOf(id).accounts.all(),
    context: contextOf,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hanging requests and idle keep-alive sockets would hold close() forever.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
