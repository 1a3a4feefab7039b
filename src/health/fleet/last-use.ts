/**
 * When each account was last used by any instance, and since when the fleet has been
 * watching: what dormancy is judged from. Kept in the control store so a restart of every
 * instance does not make a dormant account look freshly used (or a used one dormant).
 * A use is written when it moved the stored date by more than `granularityMs`, so a busy
 * account costs one write per granule, not one per request.
 */
import { z } from 'zod';
import type { ControlPlane } from '../../control/types.ts';

const LAST_USED_KEY = '{fleet}health:last-used';
const SINCE_KEY = '{fleet}health:since';

export interface FleetLastUse {
  /** Reads the fleet's dates (and records when the fleet started watching, once). */
  refresh(): Promise<void>;
  /** Writes this instance's newer uses. */
  record(own: ReadonlyMap<string, number>): Promise<void>;
  lastUsedAt(accountKey: string): number | undefined;
  /** When the fleet started watching (the oldest start it recorded). */
  since(): number | undefined;
}

export function createFleetLastUse(
  control: ControlPlane,
  now: () => number,
  granularityMs = 60_000,
): FleetLastUse {
  const { store } = control;
  let stored = new Map<string, number>();
  let since: number | undefined;

  async function readSince(): Promise<number> {
    const current = await store.get(SINCE_KEY);
    const parsed = z.number().safeParse(current?.value);
    if (parsed.success) return parsed.data;
    const at = now();
    const written = await store.compareAndSet(SINCE_KEY, current?.version ?? 0, at);
    if (written.ok) return at;
    return z.number().catch(at).parse(written.current?.value);
  }

  return {
    async refresh() {
      since ??= await readSince();
      const all = await store.mapGet(LAST_USED_KEY);
      const next = new Map<string, number>();
      for (const [key, raw] of Object.entries(all)) {
        const parsed = z.number().safeParse(raw);
        if (parsed.success) next.set(key, parsed.data);
      }
      stored = next;
    },
    async record(own) {
      for (const [key, at] of own) {
        const known = stored.get(key);
        if (known !== undefined && at - known <= granularityMs) continue;
        await store.mapSet(LAST_USED_KEY, key, at);
        stored.set(key, at);
      }
    },
    lastUsedAt: (key) => stored.get(key),
    since: () => since,
  };
}
