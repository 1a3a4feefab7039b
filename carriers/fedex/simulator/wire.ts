/**
 * FedEx answer envelopes and error bodies. Every FedEx answer carries a `transactionId`, and
 * echoes the caller's `x-customer-transaction-id` as `customerTransactionId`.
 */
import { randomUUID } from 'node:crypto';
import type { AnyContext } from '../../../sandbox/kit/index.ts';
import { jsonResponse } from '../../../sandbox/kit/index.ts';

export interface FedexErrorItem {
  code: string;
  message: string;
  parameterList?: { key: string; value: string }[];
}

/** Error messages as the spec examples and recorded answers word them. */
export const MESSAGES = {
  credentials: 'The given client credentials were not valid. Please modify your request and try again.',
  tokenExpired: 'Access token expired. Please modify your request and try again.',
  forbidden: 'We could not authorize your credentials. Please check your permissions and try again.',
  badRequest: 'Missing or duplicate parameters. Please modify your request and try again.',
  tooMany: 'We have received too many requests in a short duration. Please wait a while to try again.',
  internal:
    'We encountered an unexpected error and are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.',
  unavailable:
    'The service is currently unavailable and we are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time.',
  accountMismatch:
    'When payment Type is SENDER, ShippingChargesPayment Payor AccountNumber should match the shipper account number.',
  registrationRequired:
    'Please enter a valid 9-digit FedEx account number or register for a new FedEx account number.',
  invalidInput: 'Invalid field value in the input',
  trackingEmpty: 'Please provide tracking number.',
  trackingNotFound: 'Tracking number cannot be found. Please correct the tracking number and try again.',
  noService: 'FedEx does not provide this service between the origin and the destination.',
} as const;

export function errorBody(errors: FedexErrorItem[], customerTransactionId?: string): Record<string, unknown> {
  return {
    transactionId: randomUUID(),
    ...(customerTransactionId ? { customerTransactionId } : {}),
    errors,
  };
}

/** A plain (never gzipped) FedEx error answer, for renderers that have no request at hand. */
export function errorResponse(
  status: number,
  errors: FedexErrorItem[],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(errors)), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const customerTransactionId = (c: AnyContext): string | undefined =>
  c.req.header('x-customer-transaction-id') || undefined;

/** A success answer `{transactionId, customerTransactionId?, output}`, gzipped when the client accepts it. */
export function outputResponse(c: AnyContext, output: unknown): Response {
  const id = customerTransactionId(c);
  return jsonResponse(
    c,
    { transactionId: randomUUID(), ...(id ? { customerTransactionId: id } : {}), output },
    { gzip: true },
  );
}

/** A validation refusal in FedEx's shape, gzipped when accepted like every FedEx answer. */
export function refusal(c: AnyContext, status: number, errors: FedexErrorItem[]): Response {
  return jsonResponse(c, errorBody(errors, customerTransactionId(c)), { status, gzip: true });
}
