/**
 * Token lifetime math: when a token expires and when to refresh it ahead of time.
 * Pure functions of their inputs (the clock and randomness are passed in).
 */
import type { JwtTimes } from './jwt.ts';

/**
 * Lifetime assumed when `expires_in` is missing, zero, negative, unparseable or absurd.
 * 15 minutes is shorter than every carrier token lifetime we know (30 min to 8 h), so
 * guessing costs a few extra token calls at worst, and an
 * early death is still caught by the use-time 401 refresh.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 15 * 60;
/** Anything longer than a year is treated as a server bug, not a promise. */
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;
/** Proactive refresh starts when this share of the lifetime remains (plus jitter)... */
export const REFRESH_MARGIN_RATIO = 0.2;
/** ...plus up to this extra share, drawn at random per token, so mass-minted tokens spread out. */
export const REFRESH_MARGIN_JITTER_RATIO = 0.1;
/** ...but never less than this before expiry. */
export const MIN_REFRESH_MARGIN_MS = 5_000;
/**
 * At most one proactive refresh per key in this interval, so a server that keeps issuing
 * short-lived (or the same) tokens cannot cause a refresh storm.
 */
export const MIN_PROACTIVE_REFRESH_INTERVAL_MS = 30_000;

/** Seconds from an `expires_in` value (number or numeric string), or undefined when unusable. */
export function parseExpiresIn(raw: unknown): number | undefined {
  let seconds: number;
  if (typeof raw === 'number') seconds = raw;
  else if (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw)) seconds = Number(raw);
  else return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TOKEN_LIFETIME_SECONDS) return undefined;
  return seconds;
}

/** The lifetime in seconds to assume for an `expires_in` value, clamped to the default when unusable. */
export function lifetimeSeconds(raw: unknown): { seconds: number; defaulted: boolean } {
  const parsed = parseExpiresIn(raw);
  return parsed === undefined
    ? { seconds: DEFAULT_TOKEN_LIFETIME_SECONDS, defaulted: true }
    : { seconds: parsed, defaulted: false };
}

/**
 * Expiry (epoch ms) of a token received at `receivedAt` (local clock). A JWT's own lifetime
 * wins when it is shorter. It is measured as exp - iat from the local receipt time when iat
 * is present, so a carrier clock that is minutes off cannot make a fresh token look dead;
 * without iat, exp is used only when it lies after the receipt time.
 */
export function tokenExpiresAt(receivedAt: number, expiresIn: unknown, jwt?: JwtTimes): number {
  const stated = receivedAt + lifetimeSeconds(expiresIn).seconds * 1000;
  if (jwt === undefined) return stated;
  const jwtExpiry = jwt.iatMs !== undefined ? receivedAt + (jwt.expMs - jwt.iatMs) : jwt.expMs;
  return jwtExpiry > receivedAt && jwtExpiry < stated ? jwtExpiry : stated;
}

/**
 * When to start refreshing a token valid from `obtainedAt` to `expiresAt`: when 20-30% of
 * its lifetime remains (the share drawn with `random` in [0,1)), never later than 5 s
 * before expiry and never before it was obtained.
 */
export function refreshAt(obtainedAt: number, expiresAt: number, random: number): number {
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  const ratio = REFRESH_MARGIN_RATIO + REFRESH_MARGIN_JITTER_RATIO * Math.min(Math.max(random, 0), 1);
  const margin = Math.min(lifetime, Math.max(MIN_REFRESH_MARGIN_MS, lifetime * ratio));
  return expiresAt - margin;
}

/** How long a refresh token stays usable, from `refresh_token_expires_in` (same parsing rules), or undefined. */
export function refreshTokenExpiresAt(receivedAt: number, raw: unknown): number | undefined {
  const seconds = parseExpiresIn(raw);
  return seconds === undefined ? undefined : receivedAt + seconds * 1000;
}
