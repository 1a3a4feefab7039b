/**
 * Parcel DE API error answers -> unified class. Shapes (problem+json):
 * - 400 LabelDataResponse: `status` plus `items[]` with `sstatus` and `validationMessages`
 *   (or `propertyPath`/`message` for JSON-schema errors);
 * - 401/404/429/500 RequestStatus `{title, statusCode, status?, detail}` (`statusCode` is the
 *   deprecated twin of `status`; either may be present).
 * A 401 on the shipping API means the bearer token was refused (one forced refresh).
 */
import { z } from '@hono/zod-openapi';
import { tryReadBody } from '../../../src/carrier/body.ts';
import type { DecodedError, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { identity, list, optionalList, text, wholeNumber } from '../../../src/carrier/wire.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';
import { retryAfterMs } from './wire.ts';

export const RequestStatus = z.looseObject({
  title: text.optional(),
  statusCode: wholeNumber.optional(),
  status: wholeNumber.optional(),
  detail: text.optional(),
  instance: text.optional(),
});

export const ValidationMessage = z.looseObject({
  property: text.optional(),
  validationMessage: text.optional(),
  validationState: text.optional(),
});

export const ResponseItem = z.looseObject({
  // A string per the schema; the spec's own example writes it as a JSON number (exact only below 2^53).
  shipmentNo: identity.optional(),
  sstatus: RequestStatus.optional(),
  validationMessages: optionalList(ValidationMessage),
  propertyPath: text.optional(),
  message: text.optional(),
  label: z
    .looseObject({
      b64: z.string().optional(),
      zpl2: z.string().optional(),
      url: z.string().optional(),
      fileFormat: text.optional(),
    })
    .optional(),
});

export const LabelDataResponse = z.looseObject({
  status: RequestStatus.optional(),
  items: list(ResponseItem, { min: 1 }),
});

/** LabelDataResponse (status nested) or a bare RequestStatus (status a number), one schema. */
const ErrorBody = RequestStatus.extend({
  status: z.union([wholeNumber, RequestStatus]).optional(),
  items: optionalList(ResponseItem),
});

/** "consignee: The city entered does not match the postcode." from an item. */
export function itemMessages(item: z.infer<typeof ResponseItem>): string[] {
  const out: string[] = [];
  for (const v of item.validationMessages) {
    if (v.validationMessage)
      out.push(v.property ? `${v.property}: ${v.validationMessage}` : v.validationMessage);
  }
  if (item.message) out.push(item.propertyPath ? `${item.propertyPath}: ${item.message}` : item.message);
  return out;
}

export const statusOf = (s: z.infer<typeof RequestStatus> | undefined): number | undefined =>
  s?.status ?? s?.statusCode;

function classFor(status: number): FailureClass {
  if (status === 401) return 'token_expired';
  if (status === 403) return 'misconfigured';
  if (status === 429) return 'throttled';
  if (status >= 500 || status === 408) return 'unavailable';
  return 'rejected';
}

export function decodeError(res: UpstreamResponse): DecodedError {
  const failureClass = classFor(res.status);
  const auth = res.status === 401 || res.status === 403 ? true : undefined;
  const retry = res.status === 429 ? retryAfterMs(res.headers) : undefined;
  const extra = { ...(auth ? { auth } : {}), ...(retry !== undefined ? { retryAfterMs: retry } : {}) };
  const json = res.json();
  const parsed = json === undefined ? undefined : tryReadBody(ErrorBody, json);
  if (!parsed || (parsed.value.title === undefined && parsed.value.status === undefined)) {
    return {
      failureClass: failureClass === 'rejected' ? 'unavailable' : failureClass,
      code: String(res.status),
      message: `DHL Parcel DE answered HTTP ${res.status} without a readable error body`,
      ...extra,
    };
  }
  const data = parsed.value;
  // LabelDataResponse nests the RequestStatus under `status`; the other shapes are one.
  const top = typeof data.status === 'object' ? data.status : { ...data, status: data.status };
  const items = data.items;
  const failing = items.find((i) => (statusOf(i.sstatus) ?? 400) >= 400) ?? items[0];
  const code = failing?.sstatus?.title ?? top.title ?? String(res.status);
  const title = top.title ?? `HTTP ${res.status}`;
  const details = [top.detail, ...items.flatMap(itemMessages)].filter((d): d is string => Boolean(d));
  return {
    failureClass,
    code,
    message: details.length ? `${title}: ${details.join('; ')}` : title,
    ...extra,
  };
}
