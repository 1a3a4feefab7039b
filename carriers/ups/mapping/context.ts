/** What every UPS mapping needs from the context: the shipper number, and safe parsing of 2xx bodies. */
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import { UPS_ID } from '../profile.ts';

export function shipperNumberOf(ctx: CarrierContext): string {
  const number = ctx.account.settings.accountNumber;
  if (!number) {
    throw new CarrierError({
      carrier: UPS_ID,
      account: ctx.account.id,
      failureClass: 'misconfigured',
      outcome: 'not_sent',
      message: 'UPS account setting accountNumber (shipper number) is missing',
      code: 'MISSING_ACCOUNT_NUMBER',
    });
  }
  return number;
}

/** A 2xx body that is not what UPS documents is an availability problem, not a refusal. */
export function parseOrMalformed<T>(
  ctx: CarrierContext,
  json: unknown,
  parse: (j: unknown) => T,
  what: string,
): T {
  try {
    return parse(json);
  } catch (cause) {
    throw new CarrierError({
      carrier: UPS_ID,
      account: ctx.account.id,
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      message: `UPS ${what} answer could not be read`,
      code: 'UNREADABLE_RESPONSE',
      cause,
    });
  }
}
