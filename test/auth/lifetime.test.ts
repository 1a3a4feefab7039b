import { describe, expect, it } from 'vitest';
import { jwtTimes } from '../../src/auth/jwt.ts';
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  lifetimeSeconds,
  MIN_REFRESH_MARGIN_MS,
  parseExpiresIn,
  refreshAt,
  tokenExpiresAt,
} from '../../src/auth/lifetime.ts';

/** An unsigned JWT-shaped token: the broker only decodes, never verifies. */
function jwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.sig`;
}

describe('token lifetime', () => {
  it('C2 (24): expires_in as integer or numeric string is parsed; zero, negative, junk and > 1 year are not', () => {
    expect(parseExpiresIn(3599)).toBe(3599);
    expect(parseExpiresIn('14399')).toBe(14399);
    expect(parseExpiresIn(' 1799 ')).toBe(1799);
    for (const bad of [
      0,
      -5,
      '0',
      '-1',
      'soon',
      '',
      null,
      undefined,
      Number.NaN,
      400 * 24 * 3600,
      '1e9',
      {},
    ]) {
      expect(parseExpiresIn(bad)).toBeUndefined();
    }
  });

  it('C1 (23): a missing or unusable expires_in falls back to the documented 15-minute default', () => {
    expect(DEFAULT_TOKEN_LIFETIME_SECONDS).toBe(900);
    expect(lifetimeSeconds(undefined)).toEqual({ seconds: 900, defaulted: true });
    expect(lifetimeSeconds(-30)).toEqual({ seconds: 900, defaulted: true });
    expect(tokenExpiresAt(1_000_000, undefined)).toBe(1_000_000 + 900_000);
    expect(tokenExpiresAt(1_000_000, '60')).toBe(1_060_000);
  });

  it('a JWT exp wins when earlier than expires_in, measured from local receipt via exp - iat', () => {
    const serverNow = 1_700_000_000;
    const token = jwt({ iat: serverNow, exp: serverNow + 600 });
    const times = jwtTimes(token);
    expect(times).toEqual({ expMs: (serverNow + 600) * 1000, iatMs: serverNow * 1000 });
    const received = 5_000_000;
    expect(tokenExpiresAt(received, 3600, times)).toBe(received + 600_000);
    // A JWT that claims to outlive expires_in does not extend it.
    expect(tokenExpiresAt(received, 60, times)).toBe(received + 60_000);
    expect(jwtTimes('opaque-token')).toBeUndefined();
    expect(jwtTimes('a.b.c')).toBeUndefined();
  });

  it('C5 (27): a carrier clock 5 minutes off does not shorten or kill a fresh JWT', () => {
    const localNow = 1_700_000_000_000;
    const skewedIat = localNow / 1000 - 300; // carrier clock 5 min behind
    const token = jwt({ iat: skewedIat, exp: skewedIat + 3600 });
    expect(tokenExpiresAt(localNow, 3600, jwtTimes(token))).toBe(localNow + 3_600_000);
    // Without iat, an exp already past by the local clock is ignored instead of making a dead token.
    const noIat = jwt({ exp: localNow / 1000 - 10 });
    expect(tokenExpiresAt(localNow, 3600, jwtTimes(noIat))).toBe(localNow + 3_600_000);
  });

  it('refreshes when 20-30% of the lifetime remains (jitter), never less than 5 s before expiry', () => {
    expect(refreshAt(0, 1_000_000, 0)).toBe(800_000);
    expect(refreshAt(0, 1_000_000, 0.999999)).toBeCloseTo(700_000, -1);
    expect(refreshAt(0, 10_000, 0)).toBe(10_000 - MIN_REFRESH_MARGIN_MS);
    // A lifetime shorter than the minimum margin: refresh due at once, never before it was obtained.
    expect(refreshAt(1_000, 4_000, 0.5)).toBe(1_000);
  });

  it('C7 (29): tokens minted together get refresh times spread across the jitter window', () => {
    const times = Array.from({ length: 50 }, (_, i) => refreshAt(0, 3_600_000, i / 50));
    expect(new Set(times).size).toBe(50);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(300_000);
  });
});
