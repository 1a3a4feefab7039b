/** The configured carriers and accounts, looked up by id. */
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { type CarrierPolicy, DEFAULT_POLICY } from '../resilience/settings.ts';

export interface CarrierDirectory {
  carrier(id: string): CarrierDefinition | undefined;
  /** Carriers with at least one configured account, in registry order. */
  enabled(): CarrierDefinition[];
  accounts(carrier: string): readonly ResolvedAccount[];
  /** The named account, or the carrier's first one. */
  account(carrier: string, id?: string): ResolvedAccount | undefined;
  policy(carrier: string): CarrierPolicy;
}

export function createDirectory(
  registry: readonly CarrierDefinition[],
  accounts: readonly ResolvedAccount[],
  policies: Readonly<Record<string, CarrierPolicy>> = {},
): CarrierDirectory {
  const byId = new Map(registry.map((c) => [c.id, c]));
  const accountsOf = new Map<string, ResolvedAccount[]>();
  for (const account of accounts) {
    const list = accountsOf.get(account.carrier) ?? [];
    list.push(account);
    accountsOf.set(account.carrier, list);
  }
  return {
    carrier: (id) => (accountsOf.has(id) ? byId.get(id) : undefined),
    enabled: () => registry.filter((c) => accountsOf.has(c.id)),
    accounts: (carrier) => accountsOf.get(carrier) ?? [],
    account: (carrier, id) => {
      const list = accountsOf.get(carrier) ?? [];
      return id === undefined ? list[0] : list.find((a) => a.id === id);
    },
    policy: (carrier) => policies[carrier] ?? DEFAULT_POLICY,
  };
}
