/**
 * POST /admin/credentials/reload: the configuration is read again; rotated secrets and the
 * accounts' probe and rotation policies are written to the fleet's account records (every
 * instance serves them at once), new accounts are added, and the tokens obtained with an old
 * secret are revoked (the refresh token, the account's authorization, is kept).
 */
import { recordOf } from '../accounts/record.ts';
import type { AccountRegistry } from '../accounts/registry.ts';
import type { Broker } from '../auth/broker.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { AccountConfigLookup } from '../health/context.ts';
import { diffReload, type ReloadReport } from '../health/credentials/reload.ts';

export interface ReloadSource {
  accounts: readonly ResolvedAccount[];
  accountConfig?: AccountConfigLookup | undefined;
}

export interface ReloadDeps {
  registry: AccountRegistry;
  broker: Broker;
  read(): Promise<ReloadSource>;
  now(): number;
}

export async function reloadAccounts(deps: ReloadDeps): Promise<ReloadReport> {
  const { registry, broker } = deps;
  const source = await deps.read();
  // Only the accounts the configuration owns: accounts created through the API are not its business.
  const configured = registry.accounts().filter((a) => registry.record(a.carrier, a.id)?.source === 'config');
  const { report, changed, added } = diffReload(configured, source.accounts);
  const policy = (a: ResolvedAccount) => source.accountConfig?.(a.carrier, a.id);
  for (const fresh of [...changed, ...added]) {
    const before = registry.record(fresh.carrier, fresh.id);
    const at = Math.max(deps.now(), (before?.updatedAt ?? 0) + 1);
    await registry.put({
      ...recordOf(fresh, policy(fresh) ?? {}, at),
      ...(before ? { enabled: before.enabled } : {}),
    });
  }
  for (const fresh of changed) {
    const live = configured.find((a) => a.carrier === fresh.carrier && a.id === fresh.id);
    if (live) await broker.revoke(live, { keepAuthorization: true });
  }
  // Probe and rotation policies may change without a secret changing.
  for (const account of configured) {
    const next = policy(account);
    const record = registry.record(account.carrier, account.id);
    if (next === undefined || record === undefined) continue;
    const probe = {
      enabled: next.probe.enabled,
      ...(next.probe.intervalMs ? { intervalMs: next.probe.intervalMs } : {}),
    };
    if (
      JSON.stringify(probe) === JSON.stringify(record.probe) &&
      JSON.stringify(next.rotation) === JSON.stringify(record.rotation)
    )
      continue;
    const { rotation: _old, ...rest } = record;
    await registry.put({
      ...rest,
      probe,
      ...(next.rotation ? { rotation: next.rotation } : {}),
      updatedAt: Math.max(deps.now(), record.updatedAt + 1),
    });
  }
  return report;
}
