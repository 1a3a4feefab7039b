/** Triage: the classification an operator acts on and the runbook action it implies. */
import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../../src/domain/failure.ts';
import type { AccountSignals } from '../../src/health/signals.ts';
import { type TriageContext, triage, triageClassOf } from '../../src/health/triage.ts';

const ctx: TriageContext = {
  carrier: 'acme',
  account: 'main',
  authMethod: 'client_credentials',
  fallbacks: ['other'],
  credentialFields: ['clientId', 'clientSecret'],
  scope: 'rates labels',
};

function signals(patch: Partial<AccountSignals>): AccountSignals {
  return {
    carrier: 'acme',
    account: 'main',
    tokenCalls: 0,
    tokenFailures: 0,
    latency: { baselineSamples: 0 },
    unauthorized: 0,
    events: 0,
    throttled: 0,
    misconfigured: 0,
    shortLifetimes: 0,
    breakers: { auth: 'closed', api: 'closed' },
    hasEvidence: true,
    ...patch,
  };
}

const authOpen = (failureClass: FailureClass, extra = {}) =>
  signals({ breakers: { auth: 'open', api: 'closed', authLast: { failureClass, at: 1, ...extra } } });

describe('triage', () => {
  it('says healthy and nothing to do when the account is healthy', () => {
    expect(triage(signals({}), 'healthy', ctx)).toEqual({
      classification: 'healthy',
      runbook: { kind: 'none', text: 'No action needed.' },
    });
  });

  it('throttled: wait with the Retry-After, fail over meanwhile, never rotate', () => {
    const t = triage(authOpen('throttled', { retryAfterMs: 30_500 }), 'failing', ctx);
    expect(t).toMatchObject({ classification: 'throttled', failureClass: 'throttled' });
    expect(t.runbook).toMatchObject({ kind: 'wait', retryAfterSeconds: 31, fallbacks: ['other'] });
    expect(t.runbook.text).toContain('do not rotate');
  });

  it('unavailable: fail over to the fallbacks', () => {
    const t = triage(signals({ breakers: { auth: 'closed', api: 'open' } }), 'degraded', ctx);
    expect(t).toMatchObject({
      classification: 'unavailable',
      runbook: { kind: 'fail_over', fallbacks: ['other'] },
    });
    expect(
      triage(signals({ breakers: { auth: 'closed', api: 'open' } }), 'degraded', { ...ctx, fallbacks: [] })
        .runbook.text,
    ).toContain('no fallback');
  });

  it('revoked: re-authenticate at the connect URL (authorization code) or replace the credential', () => {
    const connect = triage(authOpen('revoked'), 'failing', {
      ...ctx,
      authMethod: 'authorization_code',
      connectUrl: 'https://gw.example/v1/connect/acme/main/authorize',
    });
    expect(connect.runbook).toMatchObject({
      kind: 're_authenticate',
      connectUrl: 'https://gw.example/v1/connect/acme/main/authorize',
    });
    const replace = triage(authOpen('revoked'), 'failing', ctx);
    expect(replace.runbook).toMatchObject({
      kind: 're_authenticate',
      fix: ['credentials.clientId', 'credentials.clientSecret'],
    });
    expect(replace.runbook.text).toContain('/admin/credentials/reload');
  });

  it('misconfigured: says which scope or key to fix', () => {
    const scope = triage(authOpen('misconfigured', { code: 'invalid_scope' }), 'failing', ctx);
    expect(scope).toMatchObject({ classification: 'misconfigured', runbook: { kind: 'fix_configuration' } });
    expect(scope.runbook.fix).toEqual(['scope (rates labels) of acme/main']);
    const client = triage(authOpen('misconfigured', { code: 'invalid_client' }), 'failing', ctx);
    expect(client.runbook.fix).toEqual(['credentials.clientId', 'credentials.clientSecret']);
  });

  it('an error disguised as success is read by what it says', () => {
    expect(triageClassOf('malformed', 'invalid_client')).toBe('misconfigured');
    expect(triageClassOf('malformed', 'invalid_grant')).toBe('revoked');
    expect(triageClassOf('malformed', undefined)).toBe('unavailable');
    expect(triageClassOf('refresh_race')).toBe('token_expired');
    expect(triageClassOf('rejected')).toBeUndefined();
    const t = triage(authOpen('malformed', { code: 'invalid_client' }), 'failing', ctx);
    // The failure class stays what happened; the triage says what to do.
    expect(t).toMatchObject({ failureClass: 'malformed', classification: 'misconfigured' });
  });

  it('picks the verdict that needs a human over transient ones', () => {
    const s = signals({
      breakers: { auth: 'open', api: 'open', authLast: { failureClass: 'revoked', at: 1 } },
      throttled: 3,
      unauthorized: 2,
    });
    expect(triage(s, 'failing', ctx).classification).toBe('revoked');
    expect(triage(signals({ unauthorized: 4 }), 'degraded', ctx)).toMatchObject({
      classification: 'token_expired',
      runbook: { kind: 'fail_over' },
    });
  });
});
