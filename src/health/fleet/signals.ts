/**
 * The fleet's view of each account's traffic. Every instance publishes what it saw in the
 * window (one map field per instance, written at each evaluation) and reads the others':
 * scores, triage and alert rules then judge the fleet's traffic, so a carrier failing on 30 %
 * of the fleet's calls looks the same from every instance. An instance that stopped
 * publishing is ignored after `staleMs` and its field is pruned later.
 */
import { z } from 'zod';
import type { ControlPlane } from '../../control/types.ts';
import { FAILURE_CLASSES } from '../../domain/failure.ts';
import { mergeSummaries, type WindowSummary } from '../signals.ts';

const SIGNALS_KEY = '{fleet}health:signals';

const Summary = z.object({
  tokenCalls: z.number().int().min(0),
  tokenFailures: z.number().int().min(0),
  successes: z.number().int().min(0),
  successMs: z.number().min(0),
  exchanges: z.number().int().min(0),
  throttled: z.number().int().min(0),
  misconfigured: z.number().int().min(0),
  unauthorized: z.number().int().min(0),
  shortLifetimes: z.number().int().min(0),
  worstLifetimeRatio: z.number().optional(),
  lastTokenCall: z
    .object({ ok: z.boolean(), failureClass: z.enum(FAILURE_CLASSES).optional(), at: z.number() })
    .optional(),
  lastUsedAt: z.number().optional(),
});
const Published = z.object({ at: z.number(), accounts: z.record(z.string(), Summary) });

export interface FleetSignals {
  /** Publishes this instance's windows (accounts with nothing to report are left out). */
  publish(own: ReadonlyMap<string, WindowSummary>): Promise<void>;
  /** Reads what the other instances published. */
  refresh(): Promise<void>;
  /** The other instances' windows for one account key, merged; undefined when none saw it. */
  others(accountKey: string): WindowSummary | undefined;
}

const hasNews = (s: WindowSummary) =>
  s.tokenCalls + s.exchanges + s.shortLifetimes > 0 || s.lastUsedAt !== undefined;

export function createFleetSignals(control: ControlPlane, now: () => number, staleMs: number): FleetSignals {
  let others = new Map<string, WindowSummary>();
  return {
    async publish(own) {
      const accounts: Record<string, WindowSummary> = {};
      for (const [key, summary] of own) if (hasNews(summary)) accounts[key] = summary;
      await control.store.mapSet(SIGNALS_KEY, control.instanceId, { at: now(), accounts });
    },
    async refresh() {
      const all = await control.store.mapGet(SIGNALS_KEY);
      const at = now();
      const merged = new Map<string, WindowSummary>();
      for (const [instance, raw] of Object.entries(all)) {
        if (instance === control.instanceId) continue;
        const published = Published.safeParse(raw);
        const age = published.success ? at - published.data.at : Number.POSITIVE_INFINITY;
        if (age > staleMs * 20) await control.store.mapDelete(SIGNALS_KEY, instance).catch(() => undefined);
        if (!published.success || age > staleMs) continue;
        for (const [key, summary] of Object.entries(published.data.accounts))
          merged.set(key, mergeSummaries(summary, merged.get(key)));
      }
      others = merged;
    },
    others: (accountKey) => others.get(accountKey),
  };
}
