/**
 * The fleet's carrier accounts, mirrored in every instance. Records live in the control store
 * (one map for the fleet); a change is announced to every instance, which reloads the map and
 * applies the difference at once (and re-reads it every `resyncMs` in case a message was
 * missed). The configuration file bootstraps the records it lists, once: an account deleted
 * through the admin API is not brought back by a restart. While the store is unreachable the
 * mirror keeps serving what it last knew (at start: the configuration's accounts).
 */
import { z } from 'zod';
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { ControlPlane } from '../control/types.ts';
import type { AccountConfigLookup, Timers } from '../health/index.ts';
import { registerSecret } from '../telemetry/redact.ts';
import { AccountRecord, recordKey, resolveRecord } from './record.ts';

const RECORDS = '{fleet}accounts';
const DELETED = '{fleet}accounts-deleted';
const TOPIC = 'accounts';

export interface AccountChange {
  carrier: string;
  id: string;
  before?: AccountRecord | undefined;
  after?: AccountRecord | undefined;
}

export interface AccountRegistry {
  /** The enabled accounts, resolved, in carrier-registry order. */
  accounts(): readonly ResolvedAccount[];
  record(carrier: string, id: string): AccountRecord | undefined;
  /** Every record (disabled ones too), sorted by `carrier/id`. */
  records(): AccountRecord[];
  /** Probe and rotation policies of each account. */
  healthConfig: AccountConfigLookup;
  /** Writes the configuration's accounts that the store does not know yet (nor deleted), then loads. */
  bootstrap(records: readonly AccountRecord[]): Promise<void>;
  /** Re-reads the store and applies what changed. */
  load(): Promise<void>;
  /**
   * The store-loss protocol: writes back the records this instance knows that the store lost
   * (never one deleted meanwhile); how many.
   */
  restore(): Promise<number>;
  /** Creates or replaces a record for the fleet; true when it was created. */
  put(record: AccountRecord): Promise<boolean>;
  /** Deletes a record for the fleet (a restart does not bring it back); false when absent. */
  remove(carrier: string, id: string): Promise<boolean>;
  onChange(listener: (change: AccountChange) => void): void;
  start(timers: Timers): void;
  stop(): void;
}

export interface AccountRegistryOptions {
  control: ControlPlane;
  carriers: readonly CarrierDefinition[];
  now: () => number;
  resyncMs?: number;
  onError?: (what: string, error: unknown) => void;
}

const Change = z.object({ carrier: z.string(), id: z.string() });

export function createAccountRegistry(options: AccountRegistryOptions): AccountRegistry {
  const { control, carriers } = options;
  const byCarrier = new Map(carriers.map((c) => [c.id, c]));
  let mirror = new Map<string, AccountRecord>();
  let resolved: ResolvedAccount[] = [];
  const listeners: ((change: AccountChange) => void)[] = [];
  let cancel: (() => void) | undefined;

  function apply(next: Map<string, AccountRecord>): void {
    const previous = mirror;
    mirror = next;
    const order = new Map(carriers.map((c, i) => [c.id, i]));
    resolved = [...next.values()]
      .filter((r) => r.enabled && byCarrier.has(r.carrier))
      .sort(
        (a, b) =>
          (order.get(a.carrier) ?? 0) - (order.get(b.carrier) ?? 0) ||
          a.position - b.position ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((r) => resolveRecord(byCarrier.get(r.carrier)!, r));
    for (const account of resolved) for (const value of Object.values(account.secrets)) registerSecret(value);
    for (const key of new Set([...previous.keys(), ...next.keys()])) {
      const before = previous.get(key);
      const after = next.get(key);
      if (before !== undefined && after !== undefined && before.updatedAt === after.updatedAt) continue;
      const [carrier = '', id = ''] = key.split('/');
      for (const listener of listeners) listener({ carrier, id, before, after });
    }
  }

  async function read(): Promise<Map<string, AccountRecord>> {
    const raw = await control.store.mapGet(RECORDS);
    const next = new Map<string, AccountRecord>();
    for (const [key, value] of Object.entries(raw)) {
      const parsed = AccountRecord.safeParse(value);
      if (parsed.success) next.set(key, parsed.data);
      else options.onError?.('unreadable account record', parsed.error);
    }
    return next;
  }

  async function restore(): Promise<number> {
    const [stored, deleted] = await Promise.all([read(), control.store.mapGet(DELETED)]);
    let written = 0;
    for (const [key, record] of mirror) {
      if (stored.has(key) || key in deleted) continue;
      await control.store.mapSet(RECORDS, key, record);
      written += 1;
    }
    return written;
  }

  async function load(): Promise<void> {
    try {
      const next = await read();
      // An empty store while this instance knows accounts: the store was lost, not emptied.
      if (next.size === 0 && mirror.size > 0) {
        await restore();
        apply(await read());
        return;
      }
      apply(next);
    } catch (error) {
      options.onError?.('accounts could not be read from the shared store', error);
    }
  }

  async function announce(carrier: string, id: string): Promise<void> {
    await control.broadcast.publish(TOPIC, { carrier, id }).catch(() => undefined);
  }

  // The reload is returned: a broadcast that can wait for it (Workers: the request) does.
  control.broadcast.subscribe(TOPIC, (raw) => (Change.safeParse(raw).success ? load() : undefined));

  return {
    accounts: () => resolved,
    record: (carrier, id) => mirror.get(recordKey(carrier, id)),
    records: () => [...mirror.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r),
    healthConfig: (carrier, id) => {
      const r = mirror.get(recordKey(carrier, id));
      return r && { probe: r.probe, ...(r.rotation ? { rotation: r.rotation } : {}) };
    },
    async bootstrap(records) {
      try {
        const [existing, deleted] = await Promise.all([read(), control.store.mapGet(DELETED)]);
        for (const record of records) {
          const key = recordKey(record.carrier, record.id);
          if (existing.has(key) || key in deleted) continue;
          await control.store.mapSet(RECORDS, key, record);
        }
        await load();
      } catch (error) {
        // The store is away: serve the configuration's accounts until it answers again.
        options.onError?.('accounts could not be bootstrapped in the shared store', error);
        if (mirror.size === 0) apply(new Map(records.map((r) => [recordKey(r.carrier, r.id), r])));
      }
    },
    load,
    restore: async () => {
      try {
        return await restore();
      } catch (error) {
        options.onError?.('accounts could not be written back to the shared store', error);
        return 0;
      }
    },
    async put(record) {
      const key = recordKey(record.carrier, record.id);
      const created = !(await read()).has(key);
      await control.store.mapSet(RECORDS, key, record);
      await control.store.mapDelete(DELETED, key);
      await load();
      await announce(record.carrier, record.id);
      return created;
    },
    async remove(carrier, id) {
      const key = recordKey(carrier, id);
      if (!(await read()).has(key)) return false;
      await control.store.mapSet(DELETED, key, { deletedAt: options.now() });
      await control.store.mapDelete(RECORDS, key);
      await load();
      await announce(carrier, id);
      return true;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    start(timers) {
      const every = options.resyncMs ?? 30_000;
      const loop = () => {
        cancel = timers.after(every, () => {
          void load().finally(loop);
        });
      };
      loop();
    },
    stop() {
      cancel?.();
      cancel = undefined;
    },
  };
}
