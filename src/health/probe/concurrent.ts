/**
 * The concurrent-refresh probe: several probe brokers of one account refresh at the same
 * instant, then every token is used: a carrier that keeps one token per client refuses the
 * older ones, which live traffic of several instances would meet.
 */
import { resolveMethod } from '../../auth/method.ts';
import type { ResolvedAccount } from '../../config/account.ts';
import {
  apiStep,
  dedupe,
  failedStep,
  finishProbe,
  ms,
  newProbeState,
  type ProberDeps,
  payloadOptions,
} from './kit.ts';
import { type PayloadFinding, validateTokenPayload } from './token-payload.ts';
import type { ProbeResult, ProbeStep } from './types.ts';

/** N probe brokers refresh at the same instant; then each token must still be accepted. */
export async function concurrentProbe(
  deps: ProberDeps,
  account: ResolvedAccount,
  instances: number,
): Promise<ProbeResult> {
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
    return finishProbe(
      deps.now,
      account,
      'concurrent',
      started,
      [{ step: 'concurrent', ok: undefined, detail: why }],
      [],
    );
  }
  const method = resolved.method;
  const probes = Array.from({ length: instances }, () => newProbeState(deps, account, method));
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
    const step = await apiStep(deps, definition, account, p.broker, () => {
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
  const result = finishProbe(deps.now, account, 'concurrent', started, steps, dedupe(findings));
  return { ...result, concurrent: { instances, tokensObtained: okCount, tokensAccepted: accepted } };
}
