/**
 * A token obtained by presenting the primary token (e.g. a payment authorization for labels). The carrier
 * builds the request and parses the answer; this sends it and classifies failures.
 */
import type { ResolvedAccount } from '../../config/account.ts';
import { type Classification, classifyAnswer } from '../classify.ts';
import { jwtTimes } from '../jwt.ts';
import { tokenExpiresAt } from '../lifetime.ts';
import type { DerivedTokenSpec } from '../profile.ts';
import type { StoredToken } from '../types.ts';
import { baseUrlOf, type TokenOutcome } from './oauth-token.ts';
import { joinUrl, sendTokenRequest, type TokenHttp } from './token-http.ts';

/** The primary token a derived token is obtained with, and how to renew it once it is refused. */
export interface PrimaryForDerived {
  current(): Promise<{ token: StoredToken; fingerprint: string }>;
  /** The shared forced refresh (the same path as a use-time 401 on the primary). */
  renew(refused: string): Promise<{ token: StoredToken; fingerprint: string }>;
}

/**
 * A 401 (or a token_expired verdict) from the derived endpoint is about the bearer token it
 * was shown: the primary. Anything else (throttling, outage, bad settings) is about the
 * derived endpoint itself.
 */
export const refusesPrimary = (failure: Classification): boolean =>
  failure.status === 401 || failure.failureClass === 'token_expired';

/**
 * Obtains the derived token with the current primary token. When the carrier killed the
 * primary while it was cached, the derived endpoint refuses it: renew the primary once and ask
 * again with the new one. A second failure is the answer.
 */
export async function obtainDerivedWithPrimary(
  http: TokenHttp,
  spec: DerivedTokenSpec,
  account: ResolvedAccount,
  primary: PrimaryForDerived,
): Promise<TokenOutcome> {
  const shown = await primary.current();
  const first = await obtainDerivedToken(http, spec, account, shown.token.accessToken);
  if (first.ok || !refusesPrimary(first.failure)) return first;
  const renewed = await primary.renew(shown.fingerprint);
  return obtainDerivedToken(http, spec, account, renewed.token.accessToken);
}

export async function obtainDerivedToken(
  http: TokenHttp,
  spec: DerivedTokenSpec,
  account: ResolvedAccount,
  primaryToken: string,
): Promise<TokenOutcome> {
  const req = spec.buildRequest({ primaryToken, settings: account.settings });
  const result = await sendTokenRequest(http, {
    url: joinUrl(baseUrlOf(account, spec.host), req.path),
    method: req.method,
    headers: req.headers,
    body: req.body,
  });
  if (!result.ok) return result;
  const { answer, receivedAt } = result;
  if (answer.status >= 200 && answer.status < 300) {
    const parsed = parseSafely(spec, answer);
    if (parsed !== undefined) {
      return {
        ok: true,
        token: {
          accessToken: parsed.token,
          tokenType: 'derived',
          obtainedAt: receivedAt,
          expiresAt: tokenExpiresAt(receivedAt, parsed.expiresInSeconds, jwtTimes(parsed.token)),
        },
      };
    }
  }
  return { ok: false, failure: classifyAnswer(answer, http.now(), spec.decodeError) };
}

function parseSafely(spec: DerivedTokenSpec, answer: Parameters<DerivedTokenSpec['parse']>[0]) {
  try {
    const parsed = spec.parse(answer);
    return parsed !== undefined && typeof parsed.token === 'string' && parsed.token !== ''
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
