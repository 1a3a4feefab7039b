/**
 * Decides, for a transport call (or a fetch) that threw, whether the request can have reached
 * the carrier. Only failures before a connection existed, or before the request was handed to
 * one, are certainly "not sent"; anything later is ambiguous.
 */
import type { SendOutcome } from '../domain/failure.ts';

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  // undici.request refusing the request's own arguments (a header value it cannot send).
  'UND_ERR_INVALID_ARG',
]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface NetworkFailure {
  outcome: SendOutcome;
  /** Low-cardinality description: the error code or 'timeout'. */
  reason: string;
}

export function describeNetworkFailure(error: unknown, timedOut: boolean): NetworkFailure {
  const code = errorCode(error);
  if (code && NOT_SENT_CODES.has(code)) return { outcome: 'not_sent', reason: code };
  if (timedOut) return { outcome: 'ambiguous', reason: 'timeout' };
  return { outcome: 'ambiguous', reason: code ?? 'network_error' };
}
