/**
 * Synthetic probes: obtain a token through the real flow and use it in the carrier's light
 * authenticated call, without touching the live token cache. Each account gets its own
 * probe broker over a throwaway memory store; refresh-token accounts are the exception
 * (a refresh token is often single-use: spending it from a second cache would break the
 * live one), so their probe reads the live credential instead.
 */
import { resolveMethod } from '../../auth/method.ts';
import type { CredentialBroker } from '../../auth/types.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import { concurrentProbe } from './concurrent.ts';
import {
  apiStep,
  budgetAllows,
  failedStep,
  finishProbe,
  ms,
  newProbeState,
  type ProbeOptions,
  type ProberDeps,
  type ProbeState,
  payloadOptions,
} from './kit.ts';
import { type PayloadFinding, validateTokenPayload } from './token-payload.ts';
import type { ProbeResult, ProbeStep } from './types.ts';

export { PROBE_TOKEN_BUDGET_SHARE, type ProbeOptions, type ProberDeps } from './kit.ts';

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
      return finishProbe(
        deps.now,
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
      return finishProbe(deps.now, account, kind, started, [failedStep('token', error, 0)], []);
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
      let state = states.get(key) ?? newProbeState(deps, account, resolved.method);
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
          state = { ...newProbeState(deps, account, resolved.method), lastFreshAt: started };
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

    if (!steps.some((s) => s.ok === false)) steps.push(await apiStep(deps, definition, account, broker));
    return finishProbe(deps.now, account, kind, started, steps, findings);
  }

  return {
    probe,
    concurrent: (account, instances) => concurrentProbe(deps, account, instances),
    forget(account) {
      if (account === undefined) states.clear();
      else states.delete(keyOf(account));
    },
  };
}
