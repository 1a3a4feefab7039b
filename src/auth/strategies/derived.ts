/**
 * A token obtained by presenting the primary token (e.g. a payment authorization for labels). The carrier
 * builds the request and parses the answer; this sends it and classifies failures.
 */
import type { ResolvedAccount } from '../../config/account.ts';
import { classifyAnswer } from '../classify.ts';
import { jwtTimes } from '../jwt.ts';
import { tokenExpiresAt } from '../lifetime.ts';
import type { DerivedTokenSpec } from '../profile.ts';
import { baseUrlOf, type TokenOutcome } from './oauth-token.ts';
import { joinUrl, sendTokenRequest, type TokenHttp } from './token-http.ts';

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
