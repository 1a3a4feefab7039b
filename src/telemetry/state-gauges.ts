/**
 * Gauges that read state at each collection, through the small interfaces the composition
 * passes in: the health score per account, the token quota left, and whether the shared
 * store answers. Nothing here holds state of its own.
 */
import type { ResolvedAccount } from '../config/account.ts';
import { type GaugeReading, observeGauge } from './instruments.ts';
import { ATTR } from './names.ts';
import type { QuotaReader } from './quota-reader.ts';
import { signalInstruments as m } from './signal-instruments.ts';

export interface StateReaders {
  /** The accounts to report (the live directory). */
  accounts(): readonly ResolvedAccount[];
  /** An account's health score, 0-100; undefined while nothing is known of it. */
  healthScore(carrier: string, account: string): number | undefined;
  quota: QuotaReader;
  /** Whether the shared store answers; undefined when there is none (memory mode). */
  sharedStoreReachable?: (() => Promise<boolean | undefined>) | undefined;
}

const idsOf = (a: ResolvedAccount) => ({ [ATTR.carrier]: a.carrier, [ATTR.account]: a.id });

/** Starts observing; returns what stops it. */
export function observeStateGauges(readers: StateReaders): () => void {
  const stops = [
    observeGauge(m.healthScore(), function* () {
      for (const a of readers.accounts()) {
        const score = readers.healthScore(a.carrier, a.id);
        if (score !== undefined) yield { value: score, attributes: idsOf(a) };
      }
    }),
    observeGauge(m.quotaRemaining(), function* () {
      for (const a of readers.accounts()) {
        const q = readers.quota.read(a);
        if (q) yield { value: q.remaining, attributes: idsOf(a) };
      }
    }),
    observeGauge(m.quotaLimit(), function* () {
      for (const a of readers.accounts()) {
        const q = readers.quota.read(a);
        if (q) yield { value: q.limit, attributes: idsOf(a) };
      }
    }),
  ];
  const reachable = readers.sharedStoreReachable;
  if (reachable) {
    stops.push(
      observeGauge(m.sharedStoreReachable(), async (): Promise<GaugeReading[]> => {
        const up = await reachable().catch(() => false);
        return up === undefined ? [] : [{ value: up ? 1 : 0, attributes: {} }];
      }),
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}
