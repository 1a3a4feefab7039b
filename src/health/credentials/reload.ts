/**
 * Reloads rotated secrets without a restart: the configuration is read again and compared
 * with the accounts the fleet serves. Reports field names, never values.
 */
import type { ResolvedAccount } from '../../config/account.ts';

export interface ReloadReport {
  changed: { carrier: string; account: string; fields: string[] }[];
  unchanged: number;
  /** Configured accounts the new configuration no longer has: kept as they are. */
  missing: string[];
  /** New accounts in the configuration: added for the fleet. */
  added: string[];
}

const id = (a: ResolvedAccount) => `${a.carrier}/${a.id}`;

/** What changed between the accounts served (`live`) and the configuration read again (`fresh`). */
export function diffReload(
  live: readonly ResolvedAccount[],
  fresh: readonly ResolvedAccount[],
): { report: ReloadReport; changed: ResolvedAccount[]; added: ResolvedAccount[] } {
  const byId = new Map(fresh.map((a) => [id(a), a]));
  const report: ReloadReport = { changed: [], unchanged: 0, missing: [], added: [] };
  const changed: ResolvedAccount[] = [];
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
    changed.push(next);
    report.changed.push({ carrier: account.carrier, account: account.id, fields: fields.sort() });
  }
  report.added = [...byId.keys()];
  return { report, changed, added: [...byId.values()] };
}
