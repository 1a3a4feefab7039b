/**
 * Decodes this carrier's error answers into unified classes. Two APIs answer here:
 * - Colissimo SLS: `{"messages":[{"id":"30301","type":"ERROR","messageContent":...}]}` as
 *   JSON, or wrapped in the multipart/related envelope (karrio's 30000 fixture).
 * - La Poste Okapi / Suivi v2: `{"returnCode":400|104|...,"returnMessage":...}`, the gateway
 *   quota body `{"code":"TOO_MANY_REQUESTS",...}`, and a bodiless 401 for a bad key.
 * Credential refusals are classified like OAuth failures (auth: true) so the auth breaker and
 * health treat them the same way.
 */

import { tryReadBody } from '../../../src/carrier/body.ts';
import type { DecodedError, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { boundaryOf, findPart, partJson, readMultipart } from '../../../src/carrier/multipart.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';
import { OkapiQuota, SlsAnswer, type SlsMessage, SuiviError } from './wire.ts';

/** Colissimo codes that mean the credentials were refused. */
const SLS_AUTH_CODES: ReadonlySet<string> = new Set(['30000']);

/** Colissimo codes recorded in akretion/roulier@8489f51 (branch colissimo_fr) cassettes, with their meaning (all content refusals). */
export const SLS_REJECTION_CODES: Readonly<Record<string, string>> = {
  '30015': 'bad product code',
  '30109': 'sender country or postcode not allowed',
  '30213': 'recipient country or postcode wrong for the product',
  '30300': 'parcel weight missing',
  '30301': 'parcel weight invalid',
};

/** Okapi body returnCodes that are not about the request content. */
const SUIVI_UNAVAILABLE_CODES: ReadonlySet<number> = new Set([504]);

const DEFAULT_QUOTA_WINDOW_MS = 1000;

/** The Colissimo messages of an SLS answer (JSON or multipart), or undefined when it is not one. */
export function slsMessagesOf(res: UpstreamResponse): SlsMessage[] | undefined {
  const json = slsJsonOf(res);
  return json === undefined ? undefined : tryReadBody(SlsAnswer, json)?.value.messages;
}

/** The JSON document of an SLS answer: the body itself, or the `<jsonInfos>` part of a multipart one. */
export function slsJsonOf(res: UpstreamResponse): unknown {
  const boundary = boundaryOf(res.headers.get('content-type'));
  if (boundary === undefined) return res.json();
  try {
    const parts = readMultipart(res.body, boundary);
    return partJson(findPart(parts, 'jsonInfos') ?? parts[0]);
  } catch {
    return undefined;
  }
}

/** The first ERROR message of a list, if any. */
export const firstSlsError = (messages: readonly SlsMessage[]): SlsMessage | undefined =>
  messages.find((m) => m.type.toUpperCase() === 'ERROR');

/** Classifies one Colissimo error message. */
export function decodeSlsMessage(message: SlsMessage, status: number): DecodedError {
  const text = message.messageContent || `Colissimo error ${message.id}`;
  if (SLS_AUTH_CODES.has(message.id))
    return { failureClass: 'misconfigured', code: message.id, message: text, auth: true };
  if (status >= 500) return { failureClass: 'unavailable', code: message.id, message: text };
  return { failureClass: 'rejected', code: message.id, message: text };
}

function retryAfterMs(res: UpstreamResponse): number | undefined {
  const header = res.headers.get('retry-after');
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** "max quota reached (100 calls per 1s)" -> 1000 ms: the quota window. */
function quotaWindowMs(message: string | undefined): number {
  const match = /per\s+(\d+)\s*(ms|s|m|h)\b/i.exec(message ?? '');
  if (!match) return DEFAULT_QUOTA_WINDOW_MS;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]!.toLowerCase() as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

const isHtml = (res: UpstreamResponse): boolean =>
  /text\/html/i.test(res.headers.get('content-type') ?? '') || /^\s*<(!doctype|html)/i.test(res.text());

function byStatus(res: UpstreamResponse, message: string): DecodedError {
  const status = res.status;
  if (status === 401 || status === 403)
    return { failureClass: 'misconfigured', code: String(status), message, auth: true };
  if (status >= 500) return { failureClass: 'unavailable', code: String(status), message };
  return { failureClass: 'rejected', code: String(status), message };
}

function withRetry(decoded: DecodedError, ms: number | undefined): DecodedError {
  return ms === undefined ? decoded : { ...decoded, retryAfterMs: ms };
}

/** 429 (or the Okapi quota body): the quota window or Retry-After says when to come back. */
function decodeThrottle(res: UpstreamResponse): DecodedError {
  const json = res.json();
  const quota = OkapiQuota.safeParse(json);
  if (quota.success)
    return {
      failureClass: 'throttled',
      code: 'TOO_MANY_REQUESTS',
      message: quota.data.message ?? 'Okapi quota reached',
      retryAfterMs: retryAfterMs(res) ?? quotaWindowMs(quota.data.message),
    };
  const sls = slsMessagesOf(res);
  const first = sls && firstSlsError(sls);
  return withRetry(
    {
      failureClass: 'throttled',
      code: first?.id ?? '429',
      message: first?.messageContent || 'too many requests',
    },
    retryAfterMs(res),
  );
}

/** The carrier's decodeError: every error answer (status >= 400) of both hosts. */
export function decodeError(res: UpstreamResponse): DecodedError {
  const status = res.status;
  if (status >= 500 && isHtml(res))
    return { failureClass: 'unavailable', code: String(status), message: `HTTP ${status} error page` };

  // Throttling first: whatever the body says, a 429 means "later", never "refused".
  if (status === 429) return decodeThrottle(res);

  const messages = slsMessagesOf(res);
  const error = messages && firstSlsError(messages);
  if (error) {
    const decoded = decodeSlsMessage(error, status);
    // A 401/403 without a known code is still a credential refusal.
    if (!decoded.auth && (status === 401 || status === 403))
      return { ...decoded, failureClass: 'misconfigured', auth: true };
    return decoded;
  }

  const json = res.json();
  if (OkapiQuota.safeParse(json).success) return decodeThrottle(res);

  const suivi = SuiviError.safeParse(json);
  if (suivi.success) {
    const code = String(suivi.data.returnCode);
    const message = suivi.data.returnMessage ?? `La Poste tracking error ${code}`;
    if (status === 401 || status === 403) return { failureClass: 'misconfigured', code, message, auth: true };
    const failureClass: FailureClass =
      status >= 500 || SUIVI_UNAVAILABLE_CODES.has(suivi.data.returnCode) ? 'unavailable' : 'rejected';
    return { failureClass, code, message };
  }

  if (status === 401 || status === 403)
    return byStatus(res, 'La Poste refused the credentials (HMAC verification failed or bad key)');
  if (json === undefined && status < 500 && status !== 429)
    return {
      failureClass: 'unavailable',
      code: String(status),
      message: `unparseable HTTP ${status} answer`,
    };
  return byStatus(res, `HTTP ${status}`);
}
