/**
 * Reloads rotated secrets without a restart: the configuration is read again and each live
 * account takes its new secret values in place (the directory, the broker's token sources
 * and the upstream client all hold these same objects). Reports field names, never values.
 */
import type { ResolvedAccount } from '../../config/account.ts';

export interface ReloadReport {
  changed: { carrier: string; account: string; fields: string[] }[];
  unchanged: number;
  /** Live accounts the new configuration no longer has: kept as they are until a restart. */
  missing: string[];
  /** New accounts in the configuration: they need a restart to be served. */
  added: string[];
}

const id = (a: ResolvedAccount) => `${a.carrier}/${a.id}`;

export function applyReload(
  live: readonly ResolvedAccount[],
  fresh: readonly ResolvedAccount[],
  onSecret: (value: string) => void = () => {},
): ReloadReport {
  const byId = new Map(fresh.map((a) => [id(a), a]));
  const report: ReloadReport = { changed: [], unchanged: 0, missing: [], added: [] };
  for (const account of live) {
    const next = byId.get(id(account));
    byId.delete(id(account));
    if (next === undefined) {
      report.missing.push(id(account));
      continue;
    }
    const fields = [...new Set([...Object.keys(account.secrets), ...Object.keys(next.secrets)])].filter(
      (f) => account.secrets[f] !== next.secrets[f],
    );
    if (fields.length === 0) {
      report.unchanged += 1;
      continue;
    }
    for (const value of Object.values(next.secrets)) onSecret(value);
    account.secrets = { ...next.secrets };
    report.changed.push({ carrier: account.carrier, account: account.id, fields: fields.sort() });
  }
  report.added = [...byId.keys()];
  return report;
}
