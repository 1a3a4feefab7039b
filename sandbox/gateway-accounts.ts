/**
 * Turns a simulator's sandbox accounts into the gateway's resolved accounts: every host of
 * the carrier's profile points at the simulator, and the secrets are the sandbox ones.
 */
import type { CarrierDefinition } from '../src/carrier/definition.ts';
import type { ResolvedAccount } from '../src/config/account.ts';
import type { SimAccount } from './kit/types.ts';

export function sandboxAccount(
  carrier: CarrierDefinition,
  account: SimAccount,
  simulatorUrl: string,
): ResolvedAccount {
  const baseUrls = Object.fromEntries(Object.keys(carrier.hosts).map((host) => [host, simulatorUrl]));
  return {
    carrier: carrier.id,
    id: account.id,
    environment: 'sandbox',
    authMethod: carrier.auth.default,
    secrets: { ...account.secrets },
    settings: { ...(account.settings ?? {}) },
    labels: { mode: 'sandbox' },
    baseUrls,
    tokenCallsPerHour: carrier.limits.tokenCallsPerHour,
  };
}
