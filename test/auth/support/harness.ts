/**
 * Test harness for the broker: a real sandbox with the generic OAuth server on an ephemeral
 * loopback port, accounts pointing at it, a fake clock, and recorders for events and logs.
 */

import { createGenericOAuth } from '../../../sandbox/generic-oauth.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  type CredentialBrokerOptions,
  createCredentialBroker,
  type Logger,
} from '../../../src/auth/broker.ts';
import type { AuthMethodKind } from '../../../src/auth/profile.ts';
import type { ResolvedAccount } from '../../../src/config/account.ts';
import type { EventSink } from '../../../src/events/bus.ts';
import type { TokenCallEvent } from '../../../src/events/types.ts';
import { createMemoryTokenStore } from '../../../src/store/memory.ts';
import { genericProfile } from './generic-profile.ts';

export const CARRIER = 'generic-oauth';

export async function startGenericSandbox(): Promise<Sandbox> {
  return startSandbox({ simulators: { [CARRIER]: createGenericOAuth } });
}

export function accountOf(
  sandbox: Sandbox,
  overrides: Partial<ResolvedAccount> & { simAccount?: string; authMethod?: AuthMethodKind } = {},
): ResolvedAccount {
  const { simAccount = 'default', ...rest } = overrides;
  const sim = sandbox.accounts(CARRIER).find((a) => a.id === simAccount);
  if (sim === undefined) throw new Error(`no sim account ${simAccount}`);
  return {
    carrier: CARRIER,
    id: simAccount,
    environment: 'sandbox',
    authMethod: 'client_credentials',
    secrets: { ...sim.secrets },
    settings: {},
    labels: {},
    baseUrls: { default: sandbox.baseUrl(CARRIER) },
    ...rest,
  };
}

import { fakeClock } from '../../support/clock.ts';

export { type FakeClock, fakeClock } from '../../support/clock.ts';

/** Records the broker's events: token calls, waits, cache hits and stores. */
export interface HookRecorder extends EventSink {
  calls: TokenCallEvent[];
  waits: number;
  hits: number;
  stores: number;
  count(filter?: Partial<Pick<TokenCallEvent, 'reason' | 'outcome' | 'failureClass'>>): number;
}

export function recordHooks(): HookRecorder {
  const rec: HookRecorder = {
    calls: [],
    waits: 0,
    hits: 0,
    stores: 0,
    emit: (e) => {
      if (e.type === 'token.call') rec.calls.push(e);
      else if (e.type === 'token.waited') rec.waits += 1;
      else if (e.type === 'token.cache_hit') rec.hits += 1;
      else if (e.type === 'token.stored') rec.stores += 1;
    },
    count: (f = {}) =>
      rec.calls.filter(
        (c) =>
          (f.reason === undefined || c.reason === f.reason) &&
          (f.outcome === undefined || c.outcome === f.outcome) &&
          (f.failureClass === undefined || c.failureClass === f.failureClass),
      ).length,
  };
  return rec;
}

export interface CapturingLogger extends Logger {
  lines: string[];
}

/** Keeps every log line as JSON text so tests can search it for secrets. */
export function captureLogger(): CapturingLogger {
  const lines: string[] = [];
  const put = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, msg, ...fields }));
  };
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

/** A broker on a fresh memory store against the generic profile, with recorders. */
export function brokerFor(
  options: Partial<CredentialBrokerOptions> & { profile?: ReturnType<typeof genericProfile> } = {},
) {
  const store = options.store ?? createMemoryTokenStore();
  const hooks = recordHooks();
  const logger = captureLogger();
  const clock = fakeClock();
  const profile = options.profile ?? genericProfile();
  const broker = createCredentialBroker({
    store,
    profileOf: () => profile,
    now: clock.now,
    events: hooks,
    logger,
    ...options,
  });
  return { broker, store, hooks, logger, clock };
}

/** GET /api/ping with the credential's headers: the carrier's verdict on it. */
export async function ping(sandbox: Sandbox, headers: Readonly<Record<string, string>>): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl(CARRIER)}/api/ping`, { headers });
  await res.arrayBuffer();
  return res.status;
}
