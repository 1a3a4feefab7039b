/**
 * MyDHL error answers -> unified class. Errors are problem+json
 * (`supermodelIoLogisticsExpressErrorResponse`): `detail` usually starts with DHL's numeric
 * code ("7008: ...", "998: ...", "999: ..."); `status` is a string in the spec and a number
 * in recorded answers; the 500 examples carry `code` instead of `status`. No 401 shape is
 * documented: bad Basic credentials are a configuration problem (nothing to refresh).
 */
import { z } from '@hono/zod-openapi';
import type { DecodedError, UpstreamResponse } from '../../../src/carrier/definition.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';
import { retryAfterMs } from './wire.ts';

const Problem = z.looseObject({
  instance: z.string().optional(),
  detail: z.string().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  status: z.union([z.string(), z.number()]).optional(),
  code: z.union([z.string(), z.number()]).optional(),
  additionalDetails: z.array(z.unknown()).optional(),
});

const CODE_PREFIX = /^\s*(\d{1,6})\s*:\s*([\s\S]*)$/;

function classFor(status: number): FailureClass {
  if (status === 401 || status === 403) return 'misconfigured';
  if (status === 429) return 'throttled';
  if (status >= 500 || status === 408) return 'unavailable';
  return 'rejected';
}

/** Splits "7008: text" into the code and the text; undefined code when there is no prefix. */
export function splitDetail(detail: string): { code?: string; text: string } {
  const m = CODE_PREFIX.exec(detail);
  return m ? { code: m[1]!, text: m[2]!.trim() } : { text: detail.trim() };
}

export function decodeError(res: UpstreamResponse): DecodedError {
  const parsed = Problem.safeParse(res.json());
  const failureClass = classFor(res.status);
  const auth = failureClass === 'misconfigured' ? true : undefined;
  const retry = res.status === 429 ? retryAfterMs(res.headers) : undefined;
  const extra = { ...(auth ? { auth } : {}), ...(retry !== undefined ? { retryAfterMs: retry } : {}) };

  if (!parsed.success || (parsed.data.detail === undefined && parsed.data.title === undefined)) {
    // HTML from a proxy, an empty body, or JSON that is not DHL's error: keep the HTTP verdict,
    // except that unparseable 4xx answers cannot be trusted as a business refusal.
    const unparseableClass = failureClass === 'rejected' ? 'unavailable' : failureClass;
    return {
      failureClass: unparseableClass,
      code: String(res.status),
      message: `DHL Express answered HTTP ${res.status} without a readable error body`,
      ...extra,
    };
  }

  const p = parsed.data;
  const { code: detailCode, text } = splitDetail(p.detail ?? '');
  // status may be "400" or 400; the 500 shape uses `code` instead.
  const wireStatus = p.status ?? p.code;
  const code = detailCode ?? (wireStatus !== undefined ? String(wireStatus) : String(res.status));
  const title = p.title ?? p.message ?? `HTTP ${res.status}`;
  const details = (p.additionalDetails ?? []).filter((d): d is string => typeof d === 'string');
  const message = [text ? `${title}: ${text}` : title, ...details].join('; ');
  return { failureClass, code, message, ...extra };
}
