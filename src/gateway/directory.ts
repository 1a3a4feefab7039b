/**
 * The carriers and accounts, looked up by id. Accounts are data that change while the gateway
 * runs (the admin API, another instance): the directory reads the current list and rebuilds
 * its index only when the list itself was replaced.
 */
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

export type AccountSource = readonly ResolvedAccount[] | (() => readonly ResolvedAccount[]);

export function createDirectory(
  registry: readonly CarrierDefinition[],
  accounts: AccountSource,
  policies: Readonly<Record<string, CarrierPolicy>> = {},
): CarrierDirectory {
  const current = typeof accounts === 'function' ? accounts : () => accounts;
  const byId = new Map(registry.map((c) => [c.id, c]));
  let indexed: readonly ResolvedAccount[] | undefined;
  let accountsOf = new Map<string, ResolvedAccount[]>();
  let enabled: CarrierDefinition[] = [];

  function index(): Map<string, ResolvedAccount[]> {
    const list = current();
    if (list === indexed) return accountsOf;
    indexed = list;
    accountsOf = new Map();
    for (const account of list) {
      const group = accountsOf.get(account.carrier) ?? [];
      group.push(account);
      accountsOf.set(account.carrier, group);
    }
    enabled = registry.filter((c) => accountsOf.has(c.id));
    return accountsOf;
  }

  return {
    carrier: (id) => (index().has(id) ? byId.get(id) : undefined),
    enabled: () => {
      index();
      return enabled;
    },
    accounts: (carrier) => index().get(carrier) ?? [],
    account: (carrier, id) => {
      const list = index().get(carrier) ?? [];
      return id === undefined ? list[0] : list.find((a) => a.id === id);
    },
    policy: (carrier) => policies[carrier] ?? DEFAULT_POLICY,
  };
}
