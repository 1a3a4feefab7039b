/** The gateway's directory as health sees it: the live accounts and carriers. */
import type { Gateway } from '../gateway/create.ts';
import type { HealthDirectory } from '../health/index.ts';

export function healthDirectory(gateway: Gateway): HealthDirectory {
  const { directory } = gateway.core;
  return {
    accounts: () => directory.enabled().flatMap((c) => directory.accounts(c.id)),
    account: (carrier, id) => directory.account(carrier, id),
    carrier: (id) => directory.carrier(id),
    enabled: () => directory.enabled(),
    accountsOf: (carrier) => directory.accounts(carrier),
    policy: (carrier) => directory.policy(carrier),
  };
}
