/** The credential inventory of every account, kept from its last refresh for scores and the dashboard. */
import type { TokenStore } from '../auth/types.ts';
import type { Deadline } from './alerts/rules.ts';
import type { HealthContext } from './context.ts';
import { type InventoryEntry, inventoryEntry } from './credentials/inventory.ts';
import { accountKey } from './ledger.ts';

export interface InventoryInfo {
  entry: InventoryEntry;
  deadlines: Deadline[];
}

export interface InventoryBook {
  /** Reads every account's tokens again (names, dates, counts: never a token). */
  refresh(): Promise<InventoryEntry[]>;
  info(carrier: string, account: string): InventoryInfo | undefined;
}

export function createInventoryBook(ctx: HealthContext, store: TokenStore): InventoryBook {
  const latest = new Map<string, InventoryInfo>();
  return {
    async refresh() {
      const at = ctx.now();
      const { settings } = ctx;
      return Promise.all(
        ctx.directory.accounts().map(async (account) => {
          const activity = ctx.ledger.activity(account.carrier, account.id);
          const result = await inventoryEntry({
            account,
            profile: ctx.directory.carrier(account.carrier)?.auth,
            store,
            rotation: ctx.accountConfig()?.(account.carrier, account.id)?.rotation,
            lastUsedAt: ctx.lastUsedAt(account.carrier, account.id),
            idleSince: ctx.idleSince(),
            refreshCount: activity.refreshCount,
            now: at,
            warnDays: settings.thresholds.expiryWarningDays,
            dormantDays: settings.thresholds.dormantDays,
          });
          latest.set(accountKey(account.carrier, account.id), result);
          return result.entry;
        }),
      );
    },
    info: (carrier, account) => latest.get(accountKey(carrier, account)),
  };
}
