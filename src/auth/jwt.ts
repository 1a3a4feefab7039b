/**
 * Reads the lifetime claims of a JWT-shaped access token without verifying it: the gateway
 * only needs to know when the carrier will stop accepting it, not whether it is authentic.
 */
import { decodeJwt } from 'jose';

export interface JwtTimes {
  /** `exp` in epoch ms. */
  expMs: number;
  /** `iat` in epoch ms, when present. */
  iatMs?: number | undefined;
}

/** The token's exp (and iat), or undefined when it is not a JWT or has no numeric exp. */
export function jwtTimes(token: string): JwtTimes | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    const claims = decodeJwt(token);
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return undefined;
    const iat = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat * 1000 : undefined;
    return { expMs: claims.exp * 1000, iatMs: iat };
  } catch {
    return undefined;
  }
}
