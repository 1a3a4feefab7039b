/** A request the mapping refuses before sending anything: nothing was bought, safe to fail over. */
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';

export function refuse(ctx: CarrierContext, code: string, message: string): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'rejected',
    outcome: 'not_sent',
    code,
    message,
  });
}

/** A 2xx answer the mapping cannot read. For a label the outcome is unknown: it may exist. */
export function unreadable(
  ctx: CarrierContext,
  code: string,
  message: string,
  outcome: 'rejected' | 'ambiguous',
  status: number,
): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'malformed',
    outcome,
    code,
    message,
    status,
  });
}
