/**
 * USPS error answers -> DecodedError. USPS APIs answer
 * `{"apiVersion":"/labels/v3","error":{"code":"400","message":"Bad Request","errors":[...]}}`
 * (usps_prices.yaml / usps_labels.yaml `ErrorMessage`); the gateway in front of them may also
 * answer an HTML page, an RFC 6749/6750 body or its own fault (GatewayFault). The carrier's own code is the subordinate
 * `errors[0].code` (e.g. 030001, 160001) when there is one, else `error.code`.
 */

import { tryReadBody } from '../../../src/carrier/body.ts';
import type { DecodedError, HeaderLookup, UpstreamResponse } from '../../../src/carrier/definition.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';
import { ErrorMessage, type ErrorMessage as ErrorMessageBody, GatewayFault, OAuthError } from './wire.ts';

/** Carrier messages are shown to callers: keep them short. */
const MAX_MESSAGE = 300;

export interface ParsedUspsError {
  code: string;
  message: string;
  /** Which shape the body had. */
  shape: 'usps' | 'oauth' | 'fault' | 'html' | 'other';
}

const clip = (text: string): string =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;

/** Codes that say nothing: documentation placeholders and empty values. */
const PLACEHOLDERS = new Set(['', 'string', 'null', 'undefined', 'none', 'n/a', '0', 'error']);

/**
 * The carrier's own code: the first code that is neither a placeholder nor just the HTTP
 * status (USPS repeats the status as `error.code`, and some answers carry "" or "string" as
 * `errors[0].code` before the real one), else the status.
 */
export function realCode(candidates: readonly (string | undefined)[], status: number): string {
  const meaningful = candidates
    .map((c) => c?.trim())
    .filter((c): c is string => c !== undefined && !PLACEHOLDERS.has(c.toLowerCase()));
  return meaningful.find((c) => c !== String(status)) ?? meaningful[0] ?? String(status);
}

const sourceText = (source: ErrorMessageBody['error']['errors'][number]['source']): string | undefined =>
  typeof source === 'string' ? source : source?.parameter;

/** Reads any USPS error body (ErrorMessage, RFC 6749, HTML, other) into a code and a message. */
export function parseUspsErrorBody(
  status: number,
  json: unknown,
  text: string,
  contentType: string | null,
): ParsedUspsError {
  const usps = json === undefined ? undefined : tryReadBody(ErrorMessage, json);
  if (usps) {
    const { error } = usps.value;
    const items = error.errors;
    const code = realCode([...items.map((e) => e.code), error.code], status);
    const details = items
      .map((e) => {
        const what = e.detail || e.title;
        const where = sourceText(e.source);
        return what && where ? `${where}: ${what}` : what;
      })
      .filter((d): d is string => Boolean(d));
    const head = error.message ?? `HTTP ${status}`;
    return { code, message: clip(details.length ? `${head}: ${details.join('; ')}` : head), shape: 'usps' };
  }
  const oauth = OAuthError.safeParse(json);
  if (oauth.success) {
    const { error, error_description } = oauth.data;
    return { code: error, message: clip(error_description ?? error), shape: 'oauth' };
  }
  const fault = GatewayFault.safeParse(json);
  if (fault.success) {
    const { faultstring, detail } = fault.data.fault;
    return {
      code: detail?.errorcode?.trim() || `HTTP_${status}`,
      message: clip(faultstring),
      shape: 'fault',
    };
  }
  if ((contentType ?? '').includes('html') || /^\s*<(!doctype|html)/i.test(text)) {
    return {
      code: `HTTP_${status}`,
      message: `USPS answered HTTP ${status} with an HTML page`,
      shape: 'html',
    };
  }
  return {
    code: `HTTP_${status}`,
    message: `USPS answered HTTP ${status} with a body that is not a USPS error`,
    shape: 'other',
  };
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; undefined when absent/invalid. */
export function retryAfterMs(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The failure class of an API answer with status >= 400. */
export function classifyApiStatus(status: number, parsed: ParsedUspsError): FailureClass {
  if (status === 429 || parsed.code === 'TOO_MANY_REQUESTS') return 'throttled';
  if (status === 401) return 'token_expired';
  if (status === 403) return 'misconfigured';
  if (status >= 500 || parsed.shape === 'html' || parsed.shape === 'other') return 'unavailable';
  return 'rejected';
}

/** The CarrierDefinition.decodeError of USPS: every API error answer to a unified message and class. */
export function decodeUspsError(res: UpstreamResponse): DecodedError {
  const parsed = parseUspsErrorBody(res.status, res.json(), res.text(), res.headers.get('content-type'));
  const failureClass = classifyApiStatus(res.status, parsed);
  const decoded: DecodedError = { failureClass, code: parsed.code, message: parsed.message };
  // 401: the bearer (or payment) token was refused; 403: the app lacks the API product/scope.
  if (res.status === 401 || res.status === 403) decoded.auth = true;
  if (failureClass === 'throttled') {
    const wait = retryAfterMs(res.headers);
    if (wait !== undefined) decoded.retryAfterMs = wait;
  }
  return decoded;
}
