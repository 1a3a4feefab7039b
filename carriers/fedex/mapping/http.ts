/** The FedEx JSON call conventions shared by rates, labels and tracking. */
import type { z } from '@hono/zod-openapi';
import { type BodyRead, readBody, UnreadableBodyError } from '../../../src/carrier/body.ts';
import type { CarrierContext, UpstreamRequest, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { interpretAnswer, refusedInAnswer } from '../../../src/carrier/outcomes.ts';
import { requireSetting } from '../../../src/carrier/settings.ts';
import { errorsInSuccess } from './errors.ts';

/** POST with the headers every FedEx API documents (X-locale; a transaction id FedEx echoes back). */
export function fedexPost(
  operation: UpstreamRequest['operation'],
  path: string,
  body: unknown,
): UpstreamRequest {
  return {
    method: 'POST',
    path,
    operation,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-locale': 'en_US',
      'x-customer-transaction-id': crypto.randomUUID(),
    },
    body: JSON.stringify(body),
  };
}

/** The account's FedEx account number (a required, non-secret setting). */
export const accountNumberOf = (ctx: CarrierContext): string =>
  requireSetting(ctx, 'accountNumber', 'the 9-digit FedEx shipping account');

/**
 * Reads a 2xx answer by the kit's tolerant rule. An `errors` array without the expected
 * output is a refusal despite the status; anything else unreadable is the kit's unreadable
 * answer (malformed, ambiguous: for a label, FedEx may have created the shipment).
 */
export function readSuccess<S extends z.ZodType>(
  ctx: CarrierContext,
  res: UpstreamResponse,
  schema: S,
): BodyRead<z.output<S>> {
  return interpretAnswer(ctx, res, (json) => {
    try {
      return readBody(schema, json);
    } catch (error) {
      const refusal = error instanceof UnreadableBodyError ? errorsInSuccess(json) : undefined;
      if (!refusal) throw error;
      throw refusedInAnswer(ctx, res.status, { failureClass: 'rejected', ...refusal });
    }
  });
}
