/** Probe payload checks: errors hidden in a 200, missing fields, a JWT's own exp and aud. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { validateTokenPayload } from '../../src/health/probe/token-payload.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const key = new TextEncoder().encode('a-test-signing-key-of-32-bytes!!');

async function jwt(claims: Record<string, unknown>, expSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(Math.floor(NOW / 1000))
    .setExpirationTime(Math.floor(NOW / 1000) + expSeconds)
    .sign(key);
}

const ok = (body: unknown, status = 200) =>
  validateTokenPayload({ status, text: JSON.stringify(body) }, { now: NOW });

describe('token payload validation', () => {
  it('accepts a well-formed answer', () => {
    expect(ok({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 3599 })).toEqual([]);
    expect(ok({ access_token: 'opaque-token', expires_in: '14399' })).toEqual([]);
  });

  it('finds errors embedded in a success, classed by what they say', () => {
    expect(ok({ error: 'invalid_client', error_description: 'nope' })).toEqual([
      expect.objectContaining({ severity: 'fail', code: 'embedded_error', failureClass: 'misconfigured' }),
    ]);
    expect(ok({ error: 'invalid_grant' })[0]?.failureClass).toBe('revoked');
    expect(
      ok({ response: { errors: [{ code: '250002', message: 'Invalid Authentication Information.' }] } })[0],
    ).toMatchObject({
      code: 'embedded_error',
      failureClass: 'malformed',
    });
    expect(ok({ errors: [{ code: 'NOT.AUTHORIZED.ERROR' }] })[0]?.message).toContain('NOT.AUTHORIZED.ERROR');
  });

  it("reads a carrier code hidden in a 200 with the carrier's own decoder", () => {
    const body = {
      errors: [{ code: 'NOT.AUTHORIZED.ERROR', message: 'The given client credentials were not valid.' }],
    };
    const findings = validateTokenPayload(
      { status: 200, text: JSON.stringify(body) },
      {
        now: NOW,
        // As a carrier decoder would: at an error status this code means the client is refused.
        decode: (answer) =>
          answer.status >= 400 ? { failureClass: 'misconfigured', code: 'NOT.AUTHORIZED.ERROR' } : undefined,
      },
    );
    expect(findings).toEqual([
      expect.objectContaining({ failureClass: 'misconfigured', errorCode: 'NOT.AUTHORIZED.ERROR' }),
    ]);
  });

  it('flags missing and unusable fields', () => {
    expect(ok({ token_type: 'Bearer', expires_in: 3600 })).toEqual([
      expect.objectContaining({ severity: 'fail', code: 'missing_access_token' }),
    ]);
    expect(ok({ access_token: 'x' })).toEqual([
      expect.objectContaining({ severity: 'warn', code: 'missing_expires_in' }),
    ]);
    expect(ok({ access_token: 'x', expires_in: 'soon' })).toEqual([
      expect.objectContaining({ severity: 'warn', code: 'bad_expires_in' }),
    ]);
    expect(validateTokenPayload({ status: 200, text: '<html>ok</html>' }, { now: NOW })[0]?.code).toBe(
      'not_json',
    );
    // Error statuses are the broker's to classify, not the payload check's.
    expect(ok({ error: 'invalid_client' }, 401)).toEqual([]);
  });

  it("checks a JWT access token's exp against now and expires_in, and its audience", async () => {
    const good = await jwt({ aud: 'https://api.acme.test' }, 3600);
    expect(
      validateTokenPayload(
        { status: 200, text: JSON.stringify({ access_token: good, expires_in: 3600 }) },
        { now: NOW, audience: 'https://api.acme.test' },
      ),
    ).toEqual([]);

    const expired = await jwt({}, -600);
    expect(ok({ access_token: expired, expires_in: 3600 })).toEqual([
      expect.objectContaining({ severity: 'fail', code: 'jwt_expired', failureClass: 'token_expired' }),
    ]);

    const early = await jwt({}, 300);
    expect(ok({ access_token: early, expires_in: 3600 })).toEqual([
      expect.objectContaining({ severity: 'warn', code: 'jwt_exp_before_expires_in' }),
    ]);

    const wrongAud = await jwt({ aud: ['https://other.test'] }, 3600);
    expect(
      validateTokenPayload(
        { status: 200, text: JSON.stringify({ access_token: wrongAud, expires_in: 3600 }) },
        { now: NOW, audience: 'https://api.acme.test' },
      ),
    ).toEqual([
      expect.objectContaining({ severity: 'fail', code: 'jwt_audience', failureClass: 'misconfigured' }),
    ]);
  });

  it('never echoes the token or body text', async () => {
    const token = await jwt({}, -600);
    const findings = ok({ access_token: token, expires_in: 3600, error_description: 'secret-looking text' });
    expect(JSON.stringify(findings)).not.toContain(token);
    expect(JSON.stringify(ok({ error: 'bad thing with spaces', secret: 'hunter2hunter2' }))).not.toContain(
      'hunter2',
    );
  });
});
