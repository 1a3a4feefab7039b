/**
 * Decoding FedEx error answers. Every FedEx API (OAuth included) answers errors as
 * `{"transactionId","customerTransactionId"?,"errors":[{"code","message","parameterList"?}]}`.
 */
import type { TokenEndpointAnswer, TokenErrorDecoder } from '../../../src/auth/profile.ts';
import type { DecodedError, HeaderLookup } from '../../../src/carrier/definition.ts';
import { FedexErrorBody } from './wire.ts';

/** What the decoders need of an answer (both UpstreamResponse and a plain object fit). */
export interface ErrorAnswer {
  status: number;
  headers: HeaderLookup;
  json: unknown;
}

export interface FedexErrorSummary {
  code: string;
  message: string;
}

/** The first FedEx error of a body, or undefined when the body is not FedEx's error shape. */
export function fedexErrorOf(body: unknown): FedexErrorSummary | undefined {
  const parsed = FedexErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const first = parsed.data.errors[0];
  if (!first) return undefined;
  return { code: first.code, message: first.message ?? first.code };
}

const THROTTLE_CODE = /TOO\.?MANY|QUOTA|RATE\.?LIMIT|THROTTL/i;
/** "Too many requests – Daily transaction quota exceeded. Retry after 12:00AM GMT" (FedEx rate-limit guide). */
const DAILY_QUOTA_TEXT = /daily.*quota|12:00\s*AM\s*GMT/i;

/** The daily quota resets at midnight GMT; without Retry-After that is when to try again. */
export function msUntilNextUtcMidnight(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - now;
}

/** Decodes an API answer with status >= 400 into a unified class. */
export function decodeApiError(answer: ErrorAnswer, now: number = Date.now()): DecodedError {
  const { status } = answer;
  const error = fedexErrorOf(answer.json);
  const code = error?.code ?? `HTTP_${status}`;
  const message = error?.message ?? `FedEx answered HTTP ${status} without its error body`;

  if (status === 429 || (error && THROTTLE_CODE.test(error.code))) {
    const quota = !answer.headers.has('retry-after') && DAILY_QUOTA_TEXT.test(message);
    return {
      failureClass: 'throttled',
      code,
      message,
      ...(quota ? { retryAfterMs: msUntilNextUtcMidnight(now) } : {}),
    };
  }
  // A token FedEx no longer accepts (expired early, or LOGIN.REAUTHENTICATE.ERROR): one forced refresh.
  if (status === 401) return { failureClass: 'token_expired', code, message, auth: true };
  // FORBIDDEN.ERROR / UNAUTHORIZED.USAGE: the project's credentials lack this API. Config, not a blip.
  if (status === 403) return { failureClass: 'misconfigured', code, message, auth: true };
  if (status >= 500) return { failureClass: 'unavailable', code, message };
  // A 4xx without FedEx's error body is a proxy or WAF page, not FedEx refusing the content.
  if (!error) return { failureClass: 'unavailable', code, message };
  return { failureClass: 'rejected', code, message };
}

/**
 * The token endpoint's errors in FedEx's shape. Undefined (not FedEx's shape) lets the broker's
 * generic OAuth rules decide (HTML pages, `{"error":...}` bodies).
 */
export const decodeTokenError: TokenErrorDecoder = (answer: TokenEndpointAnswer) => {
  const error = fedexErrorOf(answer.json);
  if (!error) return undefined;
  const { status } = answer;
  const verdict = (failureClass: ReturnType<typeof decodeApiError>['failureClass']) => ({
    failureClass,
    code: error.code,
    message: error.message,
  });
  // HTTP 200 with an error body: uptime checks stay green while no token is issued.
  if (status >= 200 && status < 300) return verdict('malformed');
  if (status === 429 || THROTTLE_CODE.test(error.code)) return verdict('throttled');
  if (status >= 500) return verdict('unavailable');
  // 401 NOT.AUTHORIZED.ERROR "The given client credentials were not valid", 400 bad form, 403.
  return verdict('misconfigured');
};

/** FedEx sometimes answers 2xx with an `errors` array and no output: a refusal despite the status. */
export function errorsInSuccess(body: unknown): FedexErrorSummary | undefined {
  return fedexErrorOf(body);
}
