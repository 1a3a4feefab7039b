/**
 * Triage: the one classification an operator needs now, and the runbook action it implies.
 * Pure: signals and the account's context in, a verdict out.
 */
import type { RUNBOOK_KINDS, TRIAGE_CLASSES } from '../domain/carriers-view.ts';
import type { FailureClass } from '../domain/failure.ts';
import { classOfEmbeddedCode } from './probe/token-payload.ts';
import type { HealthState } from './score.ts';
import type { AccountSignals } from './signals.ts';

export type TriageClass = (typeof TRIAGE_CLASSES)[number];
export type RunbookKind = (typeof RUNBOOK_KINDS)[number];

export type Runbook = {
  kind: RunbookKind;
  /** What to do, in one sentence an operator can act on. */
  text: string;
  retryAfterSeconds?: number | undefined;
  connectUrl?: string | undefined;
  /** Which configuration to fix (scope, credential fields, settings). */
  fix?: string[] | undefined;
  fallbacks?: string[] | undefined;
};

export interface Triage {
  /** The dominant failure class behind the verdict (the gateway's one failure vocabulary). */
  failureClass?: FailureClass | undefined;
  classification: TriageClass;
  runbook: Runbook;
  /** Where the verdict comes from (probe, auth breaker, token calls...). */
  evidence?: string | undefined;
}

export interface TriageContext {
  carrier: string;
  account: string;
  authMethod: string;
  fallbacks: readonly string[];
  /** Secret field names the account's method needs (never values). */
  credentialFields: readonly string[];
  scope?: string | undefined;
  /** The connect URL (authorization-code accounts). */
  connectUrl?: string | undefined;
}

interface Candidate {
  failureClass: FailureClass;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  evidence: string;
}

/** Ties between candidates of one triage class go to the more specific failure class. */
const RAW_SEVERITY: Record<FailureClass, number> = {
  revoked: 7,
  misconfigured: 6,
  throttled: 5,
  token_expired: 4,
  refresh_race: 3,
  malformed: 2,
  unavailable: 1,
  rejected: 0,
};

/** revoked and misconfigured need a human; throttled has a known wait; the rest are transient. */
const SEVERITY: Record<TriageClass, number> = {
  revoked: 5,
  misconfigured: 4,
  throttled: 3,
  token_expired: 2,
  unavailable: 1,
  healthy: 0,
};

export function triageClassOf(failureClass: FailureClass, code?: string): TriageClass | undefined {
  switch (failureClass) {
    case 'throttled':
    case 'unavailable':
    case 'token_expired':
    case 'revoked':
    case 'misconfigured':
      return failureClass;
    case 'refresh_race':
      return 'token_expired';
    case 'malformed': {
      // An error disguised as success: what it says decides (invalid_client is configuration).
      const embedded = classOfEmbeddedCode(code);
      return embedded === 'revoked' || embedded === 'misconfigured' || embedded === 'throttled'
        ? embedded
        : 'unavailable';
    }
    default:
      return undefined; // `rejected` is about a request's content, never the account's health
  }
}

function candidates(s: AccountSignals): Candidate[] {
  const out: Candidate[] = [];
  const probe = s.probe;
  if (probe?.outcome === 'fail' && probe.failureClass) {
    out.push({
      failureClass: probe.failureClass,
      code: probe.code,
      retryAfterMs: probe.retryAfterMs,
      evidence: 'synthetic probe',
    });
  }
  const { auth, api, authLast, apiLast } = s.breakers;
  if (auth !== 'closed') {
    out.push({
      failureClass: authLast?.failureClass ?? 'unavailable',
      code: authLast?.code,
      retryAfterMs: authLast?.retryAfterMs,
      evidence: `auth breaker ${auth.replace('_', '-')}`,
    });
  }
  if (api !== 'closed') {
    out.push({
      failureClass: apiLast?.failureClass ?? 'unavailable',
      code: apiLast?.code,
      retryAfterMs: apiLast?.retryAfterMs,
      evidence: `API breaker ${api.replace('_', '-')}`,
    });
  }
  if (s.lastTokenCall && !s.lastTokenCall.ok && s.lastTokenCall.failureClass) {
    out.push({
      failureClass: s.lastTokenCall.failureClass,
      code: s.lastTokenCall.failureClass === 'misconfigured' ? authLast?.code : undefined,
      evidence: 'latest token call',
    });
  }
  if (s.misconfigured > 0)
    out.push({
      failureClass: 'misconfigured',
      code: authLast?.code,
      evidence: 'scope or permission failures',
    });
  if (s.throttled > 0)
    out.push({
      failureClass: 'throttled',
      retryAfterMs: authLast?.retryAfterMs,
      evidence: 'throttled calls',
    });
  if (s.unauthorized > 0) out.push({ failureClass: 'token_expired', evidence: 'use-time 401s' });
  if (s.shortLifetimes > 0) out.push({ failureClass: 'token_expired', evidence: 'tokens dying early' });
  return out;
}

function fixOf(code: string | undefined, ctx: TriageContext): string[] {
  if (code === 'invalid_scope')
    return [`scope (${ctx.scope ?? "the carrier's default"}) of ${ctx.carrier}/${ctx.account}`];
  if (code === 'jwt_audience') return ['settings.audience'];
  const fields = ctx.credentialFields.map((f) => `credentials.${f}`);
  return fields.length > 0 ? fields : ['the account settings'];
}

export function runbookFor(classification: TriageClass, ctx: TriageContext, c?: Candidate): Runbook {
  const others = ctx.fallbacks.length > 0 ? ctx.fallbacks.join(', ') : undefined;
  const failOver = others
    ? `fail over to ${others}`
    : 'no fallback is configured (add carriers.<id>.fallbacks)';
  switch (classification) {
    case 'healthy':
      return { kind: 'none', text: 'No action needed.' };
    case 'throttled': {
      const seconds =
        c?.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(c.retryAfterMs / 1000));
      return {
        kind: 'wait',
        text: `Wait${seconds ? ` ${seconds} s (the carrier's Retry-After)` : ' for the carrier to lift the limit'}; ${failOver} meanwhile. Throttling is not revocation: do not rotate credentials.`,
        ...(seconds ? { retryAfterSeconds: seconds } : {}),
        ...(others ? { fallbacks: [...ctx.fallbacks] } : {}),
      };
    }
    case 'unavailable':
      return {
        kind: 'fail_over',
        text: `${others ? `Fail over to ${others}` : 'Wait: no fallback is configured'} until ${ctx.carrier} recovers; the breakers route around it.`,
        ...(others ? { fallbacks: [...ctx.fallbacks] } : {}),
      };
    case 'token_expired':
      return {
        kind: 'fail_over',
        text: `Tokens die before their stated lifetime; the gateway forces one shared refresh per refusal. ${failOver[0]?.toUpperCase()}${failOver.slice(1)} while it lasts; if it persists, revoke the account's tokens (POST /admin/credentials/${ctx.carrier}/${ctx.account}/revoke).`,
        ...(others ? { fallbacks: [...ctx.fallbacks] } : {}),
      };
    case 'revoked':
      return ctx.connectUrl
        ? {
            kind: 're_authenticate',
            text: `The authorization was revoked: re-authenticate at ${ctx.connectUrl}; ${failOver} meanwhile.`,
            connectUrl: ctx.connectUrl,
          }
        : {
            kind: 're_authenticate',
            text: `The carrier refused the credentials as revoked: issue new ones, update ${fixOf(undefined, ctx).join(', ')}, then POST /admin/credentials/reload; ${failOver} meanwhile.`,
            fix: fixOf(undefined, ctx),
          };
    case 'misconfigured': {
      const fix = fixOf(c?.code, ctx);
      return {
        kind: 'fix_configuration',
        text: `Fix the configuration: ${fix.join(', ')}${c?.code ? ` (carrier said ${c.code})` : ''}, then POST /admin/credentials/reload; ${failOver} meanwhile.`,
        fix,
      };
    }
  }
}

export function triage(s: AccountSignals, state: HealthState, ctx: TriageContext): Triage {
  if (state === 'healthy' || state === 'unknown')
    return { classification: 'healthy', runbook: runbookFor('healthy', ctx) };
  let best: { cls: TriageClass; c: Candidate } | undefined;
  for (const c of candidates(s)) {
    const cls = triageClassOf(c.failureClass, c.code);
    if (cls === undefined) continue;
    const better =
      best === undefined ||
      SEVERITY[cls] > SEVERITY[best.cls] ||
      (SEVERITY[cls] === SEVERITY[best.cls] &&
        RAW_SEVERITY[c.failureClass] > RAW_SEVERITY[best.c.failureClass]);
    if (better) best = { cls, c };
  }
  if (best === undefined) {
    // Degraded by latency alone: the carrier is slow, which is an availability matter.
    return {
      failureClass: 'unavailable',
      classification: 'unavailable',
      runbook: runbookFor('unavailable', ctx),
      evidence: 'slow token endpoint',
    };
  }
  return {
    failureClass: best.c.failureClass,
    classification: best.cls,
    runbook: runbookFor(best.cls, ctx, best.c),
    evidence: best.c.evidence,
  };
}
