/** Account settings as adapters need them: a missing one stops the call before sending, naming the key. */
import { CarrierError } from '../domain/failure.ts';
import type { CarrierContext } from './definition.ts';

/** The account lacks a setting the carrier needs: configuration, nothing was sent. */
export function missingSetting(ctx: Pick<CarrierContext, 'carrier' | 'account'>, key: string, what: string) {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'misconfigured',
    outcome: 'not_sent',
    code: `MISSING_SETTING_${key}`,
    message: `the account setting '${key}' (${what}) is missing`,
  });
}

/** The value of a required account setting, or a misconfigured error naming it. */
export function requireSetting(
  ctx: Pick<CarrierContext, 'carrier' | 'account'>,
  key: string,
  what: string,
): string {
  const value = ctx.account.settings[key];
  if (value === undefined || value.trim() === '') throw missingSetting(ctx, key, what);
  return value;
}

/** An optional setting; blank counts as absent. */
export function optionalSetting(ctx: Pick<CarrierContext, 'account'>, key: string): string | undefined {
  const value = ctx.account.settings[key];
  return value === undefined || value.trim() === '' ? undefined : value;
}
