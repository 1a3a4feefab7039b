/** What a probe is made of: its own broker, its steps, and how a result is put together. */
import { type Broker, createCredentialBroker } from '../../auth/broker.ts';
import type { AuthMethod } from '../../auth/profile.ts';
import type { TokenQuota } from '../../auth/quota.ts';
import type { CredentialBroker } from '../../auth/types.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { isCarrierError } from '../../domain/failure.ts';
import type { EventSink } from '../../events/bus.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { createUpstreamClient } from '../../upstream/client.ts';
import type { UpstreamTransport } from '../../upstream/transport.ts';
import { createTokenTap, type TokenTap } from './tap.ts';
import type { PayloadFinding } from './token-payload.ts';
import type { ProbeKind, ProbeResult, ProbeStep } from './types.ts';

export interface ProberDeps {
  definition(carrier: string): CarrierDefinition | undefined;
  fetchFor(carrier: string): typeof fetch;
  transportFor(carrier: string): UpstreamTransport;
  timeoutsFor(carrier: string): { totalMs: number; tokenMs: number };
  /** The live broker: only read from (refresh-token and static accounts). */
  liveBroker: CredentialBroker;
  now(): number;
  /** Where the probes' own token calls are reported (real calls: they count for the carrier's health). */
  events?: EventSink;
  /** The live traffic's hourly token-call allowance: probes spend from the same budget. */
  quota?: TokenQuota;
  /** Told while an account is probed: reads of the live credential then are not real uses. */
  probing?(account: ResolvedAccount, on: boolean): void;
}

export interface ProbeOptions {
  kind?: ProbeKind;
  /** Force a new token even when the probe token budget says to reuse the probe's own. */
  fresh?: boolean;
}

/**
 * Probes may spend at most this share of an account's hourly token-call allowance: a carrier
 * allowing 250 calls an hour still gets a new probe token every minute, one allowing 60 every
 * 4 minutes (between them the probe reuses its own token).
 */
export const PROBE_TOKEN_BUDGET_SHARE = 0.25;

export interface ProbeState {
  broker: Broker;
  tap: TokenTap;
  lastFreshAt?: number | undefined;
}

export const ms = (from: number, to: number) => Math.max(0, Math.round(to - from));

function tokenPaths(method: AuthMethod): string[] {
  if (!('tokenPath' in method)) return [];
  const paths = [method.tokenPath];
  if (method.kind === 'authorization_code' && method.refreshPath) paths.push(method.refreshPath);
  return paths.map((p) => `/${p.replace(/^\/+/, '')}`);
}

export function payloadOptions(method: AuthMethod, account: ResolvedAccount, now: number) {
  return {
    now,
    audience: audienceOf(method, account),
    decode: 'decodeError' in method ? method.decodeError : undefined,
  };
}

function audienceOf(method: AuthMethod, account: ResolvedAccount): string | undefined {
  const extra = 'extraParams' in method ? method.extraParams : undefined;
  return account.settings.audience ?? extra?.audience;
}

export function failedStep(step: ProbeStep['step'], error: unknown, latencyMs: number): ProbeStep {
  if (isCarrierError(error)) {
    return {
      step,
      ok: false,
      latencyMs,
      detail: error.message,
      failureClass: error.failureClass,
      code: error.code,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  return { step, ok: false, latencyMs, detail: 'unexpected error', failureClass: 'unavailable' };
}

/** A probe broker of its own over a throwaway store, its token answers tapped. */
export function newProbeState(deps: ProberDeps, account: ResolvedAccount, method: AuthMethod): ProbeState {
  const paths = tokenPaths(method);
  const tap = createTokenTap(deps.fetchFor(account.carrier), (path) => paths.some((p) => path.endsWith(p)));
  const definition = deps.definition(account.carrier);
  const broker = createCredentialBroker({
    store: createMemoryTokenStore({ max: 16 }),
    profileOf: () => {
      if (definition === undefined) throw new Error('unknown carrier');
      return definition.auth;
    },
    fetch: tap.fetch,
    now: deps.now,
    tokenCallTimeoutMs: deps.timeoutsFor(account.carrier).tokenMs,
    ...(deps.events ? { events: deps.events, eventSource: 'probe' as const } : {}),
    ...(deps.quota ? { quota: deps.quota } : {}),
  });
  return { broker, tap };
}

/** Whether the budget allows a new token now (accounts without an hourly cap: always). */
export function budgetAllows(account: ResolvedAccount, state: ProbeState, at: number): boolean {
  const perHour = account.tokenCallsPerHour;
  if (perHour === undefined || state.lastFreshAt === undefined) return true;
  const minGap = 3_600_000 / Math.max(1e-9, perHour * PROBE_TOKEN_BUDGET_SHARE);
  return at - state.lastFreshAt >= minGap;
}

/** The API step: the carrier's light authenticated call with `broker`'s credential. */
export async function apiStep(
  deps: ProberDeps,
  definition: CarrierDefinition,
  account: ResolvedAccount,
  broker: CredentialBroker,
  firstSendRefused?: () => void,
): Promise<ProbeStep> {
  if (definition.probe === undefined)
    return { step: 'api', ok: undefined, detail: 'the carrier has no probe call' };
  const client = createUpstreamClient({
    broker,
    transportFor: deps.transportFor,
    timeoutsFor: deps.timeoutsFor,
    now: deps.now,
    // The probe's own exchanges are not live traffic: only its first refusal matters here.
    events: {
      emit: (e) => {
        if (e.type === 'exchange' && e.status === 401 && e.resendCount === 0) firstSendRefused?.();
      },
    },
  });
  const started = deps.now();
  try {
    await definition.probe(client.context(definition, account));
    return { step: 'api', ok: true, latencyMs: ms(started, deps.now()), detail: 'light API call answered' };
  } catch (error) {
    return failedStep('api', error, ms(started, deps.now()));
  }
}

export function finishProbe(
  now: () => number,
  account: ResolvedAccount,
  kind: ProbeKind,
  started: number,
  steps: ProbeStep[],
  findings: PayloadFinding[],
): ProbeResult {
  const failedStepAt = steps.find((s) => s.ok === false);
  const failedFinding = findings.find((f) => f.severity === 'fail');
  const outcome = failedStepAt || failedFinding ? 'fail' : findings.length > 0 ? 'degraded' : 'pass';
  // The payload says more than the broker's verdict (an embedded invalid_client beats "malformed").
  const failureClass = failedFinding?.failureClass ?? failedStepAt?.failureClass;
  const code = failedFinding?.errorCode ?? failedFinding?.code ?? failedStepAt?.code;
  const retryAfterMs = failedStepAt?.retryAfterMs;
  return {
    carrier: account.carrier,
    account: account.id,
    kind,
    at: started,
    outcome,
    ...(outcome === 'fail' ? { failureClass: failureClass ?? 'unavailable', code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    latencyMs: ms(started, now()),
    steps,
    findings,
  };
}

export function dedupe(findings: PayloadFinding[]): PayloadFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (seen.has(f.code)) return false;
    seen.add(f.code);
    return true;
  });
}
