/**
 * Synthetic probes: obtain a token through the real flow and use it in the carrier's light
 * authenticated call, without touching the live token cache. Each account gets its own
 * probe broker over a throwaway memory store; refresh-token accounts are the exception
 * (a refresh token is often single-use: spending it from a second cache would break the
 * live one), so their probe reads the live credential instead.
 */
import { type Broker, createCredentialBroker } from '../../auth/broker.ts';
import { resolveMethod } from '../../auth/method.ts';
import type { AuthMethod } from '../../auth/profile.ts';
import type { TokenQuota } from '../../auth/quota.ts';
import type { CredentialBroker } from '../../auth/types.ts';
import type { CarrierDefinition } from '../../carrier/definition.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { isCarrierError } from '../../domain/failure.ts';
import type { EventSink } from '../../events/bus.ts';
import { createMemoryTokenStore } from '../../store/memory.ts';
import { createUpstreamClient } from '../../upstream/client.ts';
import { createTokenTap, type TokenTap } from './tap.ts';
import { type PayloadFinding, validateTokenPayload } from './token-payload.ts';
import type { ProbeKind, ProbeResult, ProbeStep } from './types.ts';

export interface ProberDeps {
  definition(carrier: string): CarrierDefinition | undefined;
  fetchFor(carrier: string): typeof fetch;
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

interface ProbeState {
  broker: Broker;
  tap: TokenTap;
  lastFreshAt?: number | undefined;
}

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from));

function tokenPaths(method: AuthMethod): string[] {
  if (!('tokenPath' in method)) return [];
  const paths = [method.tokenPath];
  if (method.kind === 'authorization_code' && method.refreshPath) paths.push(method.refreshPath);
  return paths.map((p) => `/${p.replace(/^\/+/, '')}`);
}

function payloadOptions(method: AuthMethod, account: ResolvedAccount, now: number) {
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

function failedStep(step: ProbeStep['step'], error: unknown, latencyMs: number): ProbeStep {
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

export interface Prober {
  probe(account: ResolvedAccount, options?: ProbeOptions): Promise<ProbeResult>;
  /** N probe brokers refresh at the same instant; then each token must still be accepted. */
  concurrent(account: ResolvedAccount, instances: number): Promise<ProbeResult>;
  /** Forgets an account's probe token (after a revocation or a secret reload). */
  forget(account?: ResolvedAccount): void;
}

export function createProber(deps: ProberDeps): Prober {
  const states = new Map<string, ProbeState>();
  const keyOf = (a: ResolvedAccount) => `${a.carrier}\u0000${a.id}`;

  function newState(account: ResolvedAccount, method: AuthMethod): ProbeState {
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
  function budgetAllows(account: ResolvedAccount, state: ProbeState, at: number): boolean {
    const perHour = account.tokenCallsPerHour;
    if (perHour === undefined || state.lastFreshAt === undefined) return true;
    const minGap = 3_600_000 / Math.max(1e-9, perHour * PROBE_TOKEN_BUDGET_SHARE);
    return at - state.lastFreshAt >= minGap;
  }

  /** The API step: the carrier's light authenticated call with `broker`'s credential. */
  async function apiStep(
    definition: CarrierDefinition,
    account: ResolvedAccount,
    broker: CredentialBroker,
    firstSendRefused?: () => void,
  ): Promise<ProbeStep> {
    if (definition.probe === undefined)
      return { step: 'api', ok: undefined, detail: 'the carrier has no probe call' };
    const client = createUpstreamClient({
      broker,
      fetchFor: deps.fetchFor,
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

  function finish(
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
      latencyMs: ms(started, deps.now()),
      steps,
      findings,
    };
  }

  async function probe(account: ResolvedAccount, options: ProbeOptions = {}): Promise<ProbeResult> {
    deps.probing?.(account, true);
    try {
      return await probeOnce(account, options);
    } finally {
      deps.probing?.(account, false);
    }
  }

  async function probeOnce(account: ResolvedAccount, options: ProbeOptions): Promise<ProbeResult> {
    const kind = options.kind ?? 'scheduled';
    const started = deps.now();
    const definition = deps.definition(account.carrier);
    if (definition === undefined) {
      return finish(
        account,
        kind,
        started,
        [{ step: 'token', ok: false, detail: 'unknown carrier', failureClass: 'misconfigured' }],
        [],
      );
    }
    let resolved: ReturnType<typeof resolveMethod>;
    try {
      resolved = resolveMethod(definition.auth, account);
    } catch (error) {
      return finish(account, kind, started, [failedStep('token', error, 0)], []);
    }
    const steps: ProbeStep[] = [];
    const findings: PayloadFinding[] = [];
    let broker: CredentialBroker = deps.liveBroker;

    if (resolved.type === 'static') {
      steps.push({ step: 'token', ok: undefined, detail: 'static credential: nothing to obtain' });
    } else if (resolved.method.kind === 'authorization_code') {
      const t = deps.now();
      try {
        await deps.liveBroker.credential(account, 'primary');
        steps.push({
          step: 'token',
          ok: true,
          latencyMs: ms(t, deps.now()),
          detail: 'live credential (refresh tokens are not spent by probes)',
        });
      } catch (error) {
        steps.push(failedStep('token', error, ms(t, deps.now())));
      }
    } else {
      const key = keyOf(account);
      let state = states.get(key) ?? newState(account, resolved.method);
      states.set(key, state);
      const hasOwn = (await state.broker.inspect(account)) !== undefined;
      const fresh = options.fresh === true || budgetAllows(account, state, started);
      if (fresh || !hasOwn) {
        if (!fresh) {
          steps.push({
            step: 'token',
            ok: undefined,
            detail: 'probe token budget spent: using the live credential',
          });
        } else {
          // A new broker each fresh probe: no cooldown from an earlier failure hides the current truth.
          state = { ...newState(account, resolved.method), lastFreshAt: started };
          states.set(key, state);
          const t = deps.now();
          try {
            await state.broker.credential(account, 'primary');
            steps.push({
              step: 'token',
              ok: true,
              latencyMs: ms(t, deps.now()),
              detail: 'obtained a new token',
            });
            broker = state.broker;
          } catch (error) {
            steps.push(failedStep('token', error, ms(t, deps.now())));
          }
          const answer = state.tap.last();
          if (answer !== undefined) {
            findings.push(
              ...validateTokenPayload(answer, payloadOptions(resolved.method, account, deps.now())),
            );
            steps.push({
              step: 'payload',
              ok: !findings.some((f) => f.severity === 'fail'),
              detail:
                findings.length === 0 ? 'token answer well-formed' : findings.map((f) => f.code).join(', '),
            });
          }
        }
      } else {
        steps.push({
          step: 'token',
          ok: true,
          latencyMs: 0,
          detail: "reused the probe's own token (token budget)",
        });
        broker = state.broker;
      }
    }

    if (!steps.some((s) => s.ok === false)) steps.push(await apiStep(definition, account, broker));
    return finish(account, kind, started, steps, findings);
  }

  async function concurrent(account: ResolvedAccount, instances: number): Promise<ProbeResult> {
    const started = deps.now();
    const definition = deps.definition(account.carrier);
    const resolved =
      definition === undefined
        ? undefined
        : (() => {
            try {
              return resolveMethod(definition.auth, account);
            } catch {
              return undefined;
            }
          })();
    if (
      definition === undefined ||
      resolved === undefined ||
      resolved.type === 'static' ||
      resolved.method.kind === 'authorization_code'
    ) {
      const why =
        resolved?.type === 'static'
          ? 'static credential: there is no refresh to race'
          : 'refresh tokens would be spent: concurrent refresh is not probed on this account';
      return finish(account, 'concurrent', started, [{ step: 'concurrent', ok: undefined, detail: why }], []);
    }
    const method = resolved.method;
    const probes = Array.from({ length: instances }, () => newState(account, method));
    const t = deps.now();
    const obtained = await Promise.allSettled(probes.map((p) => p.broker.credential(account, 'primary')));
    const tokenLatency = ms(t, deps.now());
    const steps: ProbeStep[] = [];
    const findings: PayloadFinding[] = [];
    const okCount = obtained.filter((r) => r.status === 'fulfilled').length;
    const firstFailure = obtained.find((r) => r.status === 'rejected');
    steps.push(
      firstFailure === undefined
        ? {
            step: 'token',
            ok: true,
            latencyMs: tokenLatency,
            detail: `${okCount} simultaneous token calls succeeded`,
          }
        : {
            ...failedStep('token', firstFailure.reason, tokenLatency),
            detail: `${okCount}/${instances} simultaneous token calls succeeded`,
          },
    );
    for (const p of probes) {
      const answer = p.tap.last();
      if (answer !== undefined)
        findings.push(...validateTokenPayload(answer, payloadOptions(method, account, deps.now())));
    }
    // Every token, used after all were issued: a carrier that keeps one token per client refuses the older ones.
    let accepted = 0;
    for (const [i, p] of probes.entries()) {
      if (obtained[i]?.status !== 'fulfilled') continue;
      let refused = false;
      const step = await apiStep(definition, account, p.broker, () => {
        refused = true;
      });
      if (step.ok !== false && !refused) accepted += 1;
    }
    steps.push({
      step: 'concurrent',
      ok: accepted === okCount && okCount === instances,
      detail:
        accepted === okCount
          ? `all ${accepted} tokens accepted after simultaneous refreshes`
          : `${okCount - accepted} of ${okCount} tokens refused after simultaneous refreshes (the carrier invalidates older tokens)`,
      ...(accepted === okCount
        ? {}
        : { failureClass: 'token_expired' as const, code: 'concurrent_token_refused' }),
    });
    const result = finish(account, 'concurrent', started, steps, dedupe(findings));
    return { ...result, concurrent: { instances, tokensObtained: okCount, tokensAccepted: accepted } };
  }

  return {
    probe,
    concurrent,
    forget(account) {
      if (account === undefined) states.clear();
      else states.delete(keyOf(account));
    },
  };
}

function dedupe(findings: PayloadFinding[]): PayloadFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (seen.has(f.code)) return false;
    seen.add(f.code);
    return true;
  });
}
