/** The FedEx JSON call conventions shared by rates, labels and tracking. */
import type { z } from '@hono/zod-openapi';
import type { CarrierContext, UpstreamRequest, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
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
export function accountNumberOf(ctx: CarrierContext): string {
  const value = ctx.account.settings.accountNumber;
  if (!value) {
    throw new CarrierError({
      carrier: ctx.carrier,
      account: ctx.account.id,
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      message: "the account has no 'accountNumber' setting, which FedEx requires",
      code: 'ACCOUNT_NUMBER_MISSING',
    });
  }
  return value;
}

/**
 * Reads a 2xx answer. An `errors` array is a refusal despite the status; a body that does
 * not parse means FedEx answered something we cannot trust. For a label that is ambiguous:
 * FedEx may have created the shipment.
 */
export function readSuccess<S extends z.ZodType>(
  ctx: CarrierContext,
  res: UpstreamResponse,
  schema: S,
  operation: UpstreamRequest['operation'],
): z.infer<S> {
  const body = res.json();
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const refusal = errorsInSuccess(body);
  if (refusal) {
    throw new CarrierError({
      carrier: ctx.carrier,
      account: ctx.account.id,
      failureClass: 'rejected',
      outcome: 'rejected',
      message: refusal.message,
      code: refusal.code,
      status: res.status,
    });
  }
  throw new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'unavailable',
    outcome: operation === 'label' ? 'ambiguous' : 'rejected',
    message:
      body === undefined
        ? `FedEx answered HTTP ${res.status} with a body that is not JSON`
        : `FedEx answered HTTP ${res.status} without the expected ${operation} output`,
    code: 'UNEXPECTED_RESPONSE',
    status: res.status,
  });
}
