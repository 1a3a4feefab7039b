/**
 * Turns a token endpoint's answer (or the lack of one) into a failure class. The carrier's
 * own decoder speaks first; then the generic OAuth 2 rules. `reason` holds only statuses and
 * fixed words; the carrier's own text ("Invalid Authentication Information", an OAuth
 * `error_description`) travels apart in `carrierText`, cleaned to one short line with long
 * token-like runs removed, and the broker drops it when it echoes a secret (auth-error.ts).
 */
import type { FailureClass } from '../domain/failure.ts';
import type { TokenEndpointAnswer, TokenErrorDecoder } from './profile.ts';

export interface Classification {
  failureClass: FailureClass;
  /** OAuth error or carrier code, only when it looks like a code (never free text). */
  code?: string | undefined;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  /** A safe, short description (no body text, no secrets). */
  reason: string;
  /** What the carrier said, cleaned (see safeCarrierText); the broker checks it for secrets. */
  carrierText?: string | undefined;
}

/** Runs this long of token characters look like tokens or keys: never repeated. */
const TOKEN_LIKE = /[A-Za-z0-9+/=_.-]{24,}/g;

/** A carrier's message as one printable line of at most 200 characters, token-like runs removed. */
export function safeCarrierText(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const printable = [...raw].map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? ' ' : ch));
  const line = printable.join('').replace(TOKEN_LIKE, '[…]').replace(/\s+/g, ' ').trim();
  if (line.length === 0) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The RFC 6749 `error_description` of a body, if any. */
function oauthDescription(answer: TokenEndpointAnswer): unknown {
  const body = answer.json ?? parseJsonLoose(answer.text);
  return isRecord(body) ? body.error_description : undefined;
}

/** OAuth error codes that mean the client's configuration is wrong: no retry helps. */
const MISCONFIGURED_CODES = new Set([
  'invalid_client',
  'invalid_scope',
  'unsupported_grant_type',
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
]);
const UNAVAILABLE_CODES = new Set(['temporarily_unavailable', 'server_error']);
const THROTTLED_CODES = new Set(['slow_down', 'rate_limit_exceeded', 'too_many_requests', 'quota_exceeded']);
const QUOTA_TEXT = /quota|rate.?limit|too many requests/i;

/** A code is echoed only if it is short and code-like, so free text (which may echo input) never is. */
export function safeCode(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(raw) ? raw : undefined;
}

/** Retry-After as ms: delta-seconds, an HTTP date (relative to `now`), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Parses a body as JSON whatever its content type; undefined when it is not JSON. */
export function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The RFC 6749 `error` of a body, or of a `WWW-Authenticate: ... error="..."` challenge. */
function oauthErrorCode(answer: TokenEndpointAnswer): string | undefined {
  const body = answer.json ?? parseJsonLoose(answer.text);
  if (isRecord(body) && typeof body.error === 'string') return body.error;
  const challenge = answer.headers.get('www-authenticate');
  const match = challenge === null ? null : /error="([^"]+)"/.exec(challenge);
  return match?.[1];
}

function classOfOAuthCode(code: string, status: number): FailureClass {
  if (code === 'invalid_grant') return 'revoked';
  // RFC 6750: the bearer token shown (to a derived-token endpoint) is expired or revoked.
  if (code === 'invalid_token') return 'token_expired';
  if (MISCONFIGURED_CODES.has(code)) return 'misconfigured';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (THROTTLED_CODES.has(code) || QUOTA_TEXT.test(code)) return 'throttled';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  // An unknown but structured OAuth error on a 4xx: the server deliberately refused the client.
  return 'misconfigured';
}

/**
 * Classifies an answer that is not a usable token. `invalid_grant` comes back as `revoked`;
 * the broker turns it into `refresh_race` or `misconfigured` depending on the grant.
 */
export function classifyAnswer(
  answer: TokenEndpointAnswer,
  now: number,
  decodeError?: TokenErrorDecoder,
): Classification {
  const { status } = answer;
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), now);
  const carrierVerdict = decodeError?.(answer);
  const code = oauthErrorCode(answer);
  const carrierText = safeCarrierText(carrierVerdict?.message ?? oauthDescription(answer));
  if (status >= 200 && status < 300) {
    // A 2xx that carries no usable token is malformed whatever it says: it must never be
    // mistaken for a verdict on the credentials, nor overwrite them.
    return {
      failureClass: 'malformed',
      code: safeCode(carrierVerdict?.code ?? code),
      status,
      carrierText,
      reason:
        code !== undefined || carrierVerdict !== undefined
          ? `HTTP ${status} with an error body`
          : answer.json === undefined
            ? `HTTP ${status} with a body that is not JSON`
            : `HTTP ${status} without an access token`,
    };
  }
  if (carrierVerdict !== undefined) {
    return {
      failureClass: carrierVerdict.failureClass,
      code: safeCode(carrierVerdict.code),
      status,
      retryAfterMs,
      reason: `carrier error (HTTP ${status})`,
      carrierText,
    };
  }
  if (code !== undefined) {
    return {
      failureClass: classOfOAuthCode(code, status),
      code: safeCode(code),
      status,
      retryAfterMs,
      reason: `HTTP ${status} OAuth error`,
      carrierText,
    };
  }
  if (status === 429 || QUOTA_TEXT.test(answer.text.slice(0, 2_000))) {
    return { failureClass: 'throttled', status, retryAfterMs, reason: `HTTP ${status} throttled` };
  }
  const contentType = answer.headers.get('content-type') ?? '';
  const kind = /html/i.test(contentType) || /^\s*</.test(answer.text) ? 'an HTML page' : 'no OAuth error';
  // 5xx, WAF pages, JSON without a structured error (also when sent as text/plain): transient.
  return { failureClass: 'unavailable', status, retryAfterMs, reason: `HTTP ${status} with ${kind}` };
}

/** Classifies a call that got no answer: timeout, connection refused, reset, DNS. */
export function classifyNetworkError(error: unknown, timedOut: boolean): Classification {
  if (timedOut) return { failureClass: 'unavailable', code: 'timeout', reason: 'token endpoint timed out' };
  const name = error instanceof Error ? error.name : 'Error';
  return {
    failureClass: 'unavailable',
    code: name === 'AbortError' ? 'aborted' : 'network_error',
    reason: 'token endpoint unreachable',
  };
}
