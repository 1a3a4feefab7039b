/**
 * One account's health, now: signals from the ledger, breakers and latest probe; the score;
 * the triage. Also its rendering for GET /v1/carriers.
 */
import { callbackPath } from '../auth/connect.ts';
import { scopeOf } from '../auth/method.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { AuthHealthView } from '../domain/carriers-view.ts';
import type { BreakerBoard } from '../resilience/board.ts';
import { tokenMethodOf } from './credentials/keys.ts';
import type { Ledger } from './ledger.ts';
import type { ProbeResult } from './probe/types.ts';
import { type Scored, scoreAccount } from './score.ts';
import type { HealthSettings } from './settings.ts';
import { type AccountSignals, mergeSummaries, signalsOf, summarize, type WindowSummary } from './signals.ts';
import { type Triage, type TriageContext, triage } from './triage.ts';

export interface AccountHealth {
  /** The fleet's signals (this instance's and what the others published). */
  signals: AccountSignals;
  /** What this instance alone saw in the window: what it publishes to the others. */
  own: WindowSummary;
  scored: Scored;
  triage: Triage;
}

export interface AccountHealthDeps {
  ledger: Ledger;
  board: BreakerBoard;
  settings: HealthSettings;
  publicBaseUrl: string;
  fallbacksOf(carrier: string): readonly string[];
  probeIntervalOf(account: ResolvedAccount): number;
  /** What the other instances of the fleet saw of the account (nothing when alone). */
  fleet?: ((carrier: string, account: string) => WindowSummary | undefined) | undefined;
}

/** What triage needs to know of an account besides its signals (never a secret value). */
export function triageContext(
  deps: Pick<AccountHealthDeps, 'publicBaseUrl' | 'fallbacksOf'>,
  definition: CarrierDefinition | undefined,
  account: ResolvedAccount,
): TriageContext {
  const method = definition === undefined ? undefined : tokenMethodOf(definition.auth, account);
  const connect = account.authMethod === 'authorization_code';
  return {
    carrier: account.carrier,
    account: account.id,
    authMethod: account.authMethod,
    fallbacks: deps.fallbacksOf(account.carrier),
    credentialFields: definition?.auth.credentialFields[account.authMethod] ?? Object.keys(account.secrets),
    scope: method === undefined ? undefined : scopeOf(method, account),
    ...(connect
      ? {
          connectUrl: `${deps.publicBaseUrl.replace(/\/+$/, '')}${callbackPath(account.carrier, account.id).replace(/\/callback$/, '/authorize')}`,
        }
      : {}),
  };
}

export function accountHealth(
  deps: AccountHealthDeps,
  definition: CarrierDefinition | undefined,
  account: ResolvedAccount,
  probe: ProbeResult | undefined,
  now: number,
): AccountHealth {
  const breakers = deps.board.for(account.carrier, account.id);
  const interval = deps.probeIntervalOf(account);
  const activity = deps.ledger.activity(account.carrier, account.id);
  const own = summarize(activity, {
    now,
    windowMs: deps.settings.windowMs,
    lifetimeWindowMs: deps.settings.thresholds.lifetimeWindowMs,
    lifetimeRatio: deps.settings.thresholds.lifetimeRatio,
  });
  const signals = signalsOf({
    carrier: account.carrier,
    account: account.id,
    summary: mergeSummaries(own, deps.fleet?.(account.carrier, account.id)),
    baseline: { ms: activity.latencyBaselineMs, samples: activity.latencySamples },
    breakers: {
      auth: breakers.auth.state,
      api: breakers.api.state,
      authLast: breakers.auth.lastFailure,
      apiLast: breakers.api.lastFailure,
    },
    probe,
    now,
    // Two missed probes and a little: a probe that stopped running no longer speaks for the account.
    probeStaleMs: Math.max(deps.settings.windowMs, interval * 2.5),
  });
  const scored = scoreAccount(signals);
  return {
    signals,
    own,
    scored,
    triage: triage(signals, scored.state, triageContext(deps, definition, account)),
  };
}

export function authHealthView(h: AccountHealth): AuthHealthView {
  const { scored, triage: t, signals } = h;
  const probe = signals.probe;
  return {
    state: scored.state,
    ...(scored.state === 'unknown' ? {} : { score: scored.score }),
    classification: t.classification === 'healthy' ? 'healthy' : (t.failureClass ?? t.classification),
    action: t.runbook.text,
    triage: {
      classification: t.classification,
      action: t.runbook.kind,
      text: t.runbook.text,
      ...(t.runbook.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: t.runbook.retryAfterSeconds }
        : {}),
      ...(t.runbook.connectUrl !== undefined ? { connectUrl: t.runbook.connectUrl } : {}),
      ...(t.runbook.fix !== undefined ? { fix: t.runbook.fix } : {}),
      ...(t.runbook.fallbacks !== undefined ? { fallbacks: t.runbook.fallbacks } : {}),
      ...(t.evidence !== undefined ? { evidence: t.evidence } : {}),
    },
    penalties: scored.penalties,
    ...(probe
      ? {
          probe: {
            at: new Date(probe.at).toISOString(),
            outcome: probe.outcome,
            latencyMs: probe.latencyMs,
            ...(probe.failureClass ? { class: probe.failureClass } : {}),
            ...(probe.code ? { code: probe.code } : {}),
          },
        }
      : {}),
  };
}
