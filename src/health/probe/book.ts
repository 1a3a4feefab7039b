/** The probe results health knows: the latest per account and the most recent ones overall. */
import type { EventSink } from '../../events/bus.ts';
import { accountKey } from '../ledger.ts';
import type { ProbeResult } from './types.ts';

export interface ProbeBook {
  record(result: ProbeResult): void;
  /** Takes another instance's result when it is newer than the one known (no event: it was told where it ran). */
  adopt(result: ProbeResult): void;
  latest(carrier: string, account: string): ProbeResult | undefined;
  /** Newest first. */
  recent(): ProbeResult[];
}

export function createProbeBook(events: EventSink, recentLimit: number): ProbeBook {
  const latest = new Map<string, ProbeResult>();
  const recent: ProbeResult[] = [];
  return {
    record(result) {
      latest.set(accountKey(result.carrier, result.account), result);
      recent.unshift(result);
      if (recent.length > recentLimit) recent.length = recentLimit;
      events.emit({
        type: 'probe.result',
        carrier: result.carrier,
        account: result.account,
        outcome: result.outcome,
        failureClass: result.failureClass,
        latencyMs: result.latencyMs,
      });
    },
    adopt(result) {
      const key = accountKey(result.carrier, result.account);
      const known = latest.get(key);
      if (known !== undefined && known.at >= result.at) return;
      latest.set(key, result);
      recent.unshift(result);
      recent.sort((a, b) => b.at - a.at);
      if (recent.length > recentLimit) recent.length = recentLimit;
    },
    latest: (carrier, account) => latest.get(accountKey(carrier, account)),
    recent: () => [...recent],
  };
}
