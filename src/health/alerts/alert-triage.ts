/**
 * The triage every alert carries: the account's own verdict when it is unhealthy, otherwise
 * what the rule's signal implies (an alert can fire while the score is still "healthy").
 * Date and usage rules have their own runbooks.
 */
import type { AccountHealth } from '../account-health.ts';
import { type TriageContext, triage } from '../triage.ts';
import type { AlertTriage, Condition } from './types.ts';

const ADMIN = '/admin/credentials';

export function alertTriage(
  c: Condition,
  health: AccountHealth | undefined,
  ctx: TriageContext | undefined,
): AlertTriage | undefined {
  if (c.rule === 'caller_new_network') {
    return {
      classification: 'healthy',
      runbook: {
        kind: 'none',
        text: 'Confirm this use is legitimate; if it is not, remove the key from GATEWAY_API_KEYS and restart.',
      },
    };
  }
  if (c.rule === 'store_lost') {
    return {
      classification: 'healthy',
      runbook: {
        kind: 'none',
        text: 'Check why the shared store lost data (a restart without persistence, a failover to a lagging replica). The instances wrote back what they held; accounts whose refresh token no instance held must be connected again (see /admin/credentials).',
      },
    };
  }
  if (health === undefined || ctx === undefined) return undefined;
  const fields = ctx.credentialFields.map((f) => `credentials.${f}`);
  const current = { failureClass: health.triage.failureClass, classification: health.triage.classification };
  if (c.rule === 'credential_expiry') {
    if (c.subject === 'refresh_token_expires') {
      return {
        ...current,
        runbook: {
          kind: 're_authenticate',
          text: `The refresh token expires ${c.value}: the gateway renews it if the carrier issues a new one on refresh; otherwise re-authenticate${ctx.connectUrl ? ` at ${ctx.connectUrl}` : ''} before then.`,
          ...(ctx.connectUrl ? { connectUrl: ctx.connectUrl } : {}),
        },
      };
    }
    return {
      ...current,
      runbook: {
        kind: 'fix_configuration',
        text: `Rotate ${fields.join(', ')} before ${c.value}, update the secrets and the rotation dates, then POST ${ADMIN}/reload.`,
        fix: fields,
      },
    };
  }
  if (c.rule === 'credential_dormant') {
    return {
      ...current,
      runbook: {
        kind: 'none',
        text: `If ${ctx.carrier}/${ctx.account} is no longer needed, revoke it (POST ${ADMIN}/${ctx.carrier}/${ctx.account}/revoke with dropAuthorization) and remove it from the configuration.`,
      },
    };
  }
  const verdict =
    health.triage.classification !== 'healthy'
      ? health.triage
      : triage(health.signals, health.scored.state === 'failing' ? 'failing' : 'degraded', ctx);
  return {
    failureClass: verdict.failureClass,
    classification: verdict.classification,
    runbook: verdict.runbook,
  };
}
