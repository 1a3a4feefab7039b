/**
 * Checks a token endpoint's 2xx answer the way a careful client would: an error hidden in a
 * success, missing fields, and a JWT access token's own exp and aud. Findings carry codes
 * and short texts only, never a token or any body text.
 */
import { decodeJwt } from 'jose';
import type { TokenErrorDecoder } from '../../auth/profile.ts';
import type { FailureClass } from '../../domain/failure.ts';

export interface PayloadFinding {
  severity: 'fail' | 'warn';
  code: string;
  message: string;
  failureClass?: FailureClass | undefined;
  /** The carrier's or OAuth error code found in the answer (code-like strings only). */
  errorCode?: string | undefined;
}

/** The answer as the probe captured it off the wire. */
export interface CapturedAnswer {
  status: number;
  text: string;
}

const MISCONFIGURED = new Set([
  'invalid_client',
  'invalid_scope',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_request',
  'access_denied',
]);

/** Clock skew tolerated on exp and nbf. */
const SKEW_MS = 60_000;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const safeCode = (raw: unknown): string | undefined =>
  typeof raw === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(raw) ? raw : undefined;

/** What an OAuth error code embedded in a success means. */
export function classOfEmbeddedCode(code: string | undefined): FailureClass {
  if (code === undefined) return 'malformed';
  if (code === 'invalid_grant') return 'revoked';
  if (MISCONFIGURED.has(code)) return 'misconfigured';
  if (code === 'server_error' || code === 'temporarily_unavailable') return 'unavailable';
  if (code === 'slow_down' || /quota|rate/i.test(code)) return 'throttled';
  return 'malformed';
}

/** An error carried inside a 2xx: RFC 6749 `error`, or the carriers' `errors` / `fault` shapes. */
function embeddedError(body: Record<string, unknown>): { code?: string | undefined } | undefined {
  if (body.error !== undefined && body.error !== null) {
    return { code: safeCode(isRecord(body.error) ? body.error.code : body.error) };
  }
  const lists = [body.errors, isRecord(body.response) ? body.response.errors : undefined];
  for (const list of lists) {
    if (Array.isArray(list) && list.length > 0) {
      const first: unknown = list[0];
      return { code: safeCode(isRecord(first) ? first.code : undefined) };
    }
  }
  if (isRecord(body.fault)) return { code: safeCode(body.fault.faultstring) };
  return undefined;
}

function checkJwt(token: string, expiresIn: number | undefined, now: number, audience: string | undefined) {
  const findings: PayloadFinding[] = [];
  if (token.split('.').length !== 3) return findings;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    return findings; // dotted but not a JWT: an opaque token
  }
  if (typeof claims.exp !== 'number') {
    findings.push({ severity: 'warn', code: 'jwt_no_exp', message: 'the JWT access token has no exp claim' });
  } else {
    const expMs = claims.exp * 1000;
    if (expMs <= now - SKEW_MS) {
      findings.push({
        severity: 'fail',
        code: 'jwt_expired',
        message: 'the JWT access token is already expired (exp in the past)',
        failureClass: 'token_expired',
      });
    } else if (expiresIn !== undefined && expMs < now + expiresIn * 1000 - SKEW_MS) {
      findings.push({
        severity: 'warn',
        code: 'jwt_exp_before_expires_in',
        message: 'the JWT exp is earlier than expires_in promises: the token will die early',
      });
    }
  }
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 > now + SKEW_MS) {
    findings.push({ severity: 'warn', code: 'jwt_not_yet_valid', message: 'the JWT nbf is in the future' });
  }
  if (audience !== undefined && claims.aud !== undefined) {
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!auds.includes(audience)) {
      findings.push({
        severity: 'fail',
        code: 'jwt_audience',
        message: `the JWT audience does not include '${audience}'`,
        failureClass: 'misconfigured',
      });
    }
  }
  return findings;
}

/**
 * What an error embedded in a success says: a standard OAuth code speaks for itself; a
 * carrier code is read by the carrier's own decoder as if it had come with an error status.
 */
function embeddedClass(
  code: string | undefined,
  body: unknown,
  text: string,
  decode?: TokenErrorDecoder,
): FailureClass {
  const generic = classOfEmbeddedCode(code);
  if (generic !== 'malformed' || decode === undefined) return generic;
  try {
    const verdict = decode({ status: 400, headers: new Headers(), text, json: body });
    return verdict?.failureClass ?? 'malformed';
  } catch {
    return 'malformed';
  }
}

export function validateTokenPayload(
  answer: CapturedAnswer,
  options: { now: number; audience?: string | undefined; decode?: TokenErrorDecoder | undefined },
): PayloadFinding[] {
  if (answer.status < 200 || answer.status >= 300) return [];
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [
      {
        severity: 'fail',
        code: 'not_json',
        message: `HTTP ${answer.status} with a body that is not JSON`,
        failureClass: 'malformed',
      },
    ];
  }
  if (!isRecord(body)) {
    return [
      {
        severity: 'fail',
        code: 'not_object',
        message: 'the token answer is not a JSON object',
        failureClass: 'malformed',
      },
    ];
  }
  const embedded = embeddedError(body);
  if (embedded !== undefined) {
    return [
      {
        severity: 'fail',
        code: 'embedded_error',
        message: `HTTP ${answer.status} with an error body${embedded.code ? ` (${embedded.code})` : ''}`,
        failureClass: embeddedClass(embedded.code, body, answer.text, options.decode),
        ...(embedded.code ? { errorCode: embedded.code } : {}),
      },
    ];
  }
  const findings: PayloadFinding[] = [];
  const token = body.access_token;
  if (typeof token !== 'string' || token === '') {
    findings.push({
      severity: 'fail',
      code: 'missing_access_token',
      message: 'the token answer has no access_token',
      failureClass: 'malformed',
    });
  }
  const raw = body.expires_in;
  const expiresIn =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (raw === undefined) {
    findings.push({
      severity: 'warn',
      code: 'missing_expires_in',
      message: 'no expires_in: the lifetime is guessed',
    });
  } else if (expiresIn === undefined || expiresIn <= 0) {
    findings.push({
      severity: 'warn',
      code: 'bad_expires_in',
      message: 'expires_in is not a positive number',
    });
  }
  if (typeof token === 'string' && token !== '')
    findings.push(...checkJwt(token, expiresIn, options.now, options.audience));
  return findings;
}
