/** The most recent failovers, heard from the routing records of answered rates and labels. */
import type { EventBus } from '../events/bus.ts';
import type { FailoverRecord } from './dashboard-state.ts';

export interface FailoverLog {
  recent(): FailoverRecord[];
  stop(): void;
}

export function createFailoverLog(bus: EventBus, now: () => number, limit: number): FailoverLog {
  const recent: FailoverRecord[] = [];
  const stop = bus.on('routed', ({ operation, routing }) => {
    for (const r of routing) {
      if (!r.failedOver) continue;
      const first = r.attempts.find((a) => a.outcome !== 'success');
      recent.unshift({
        at: new Date(now()).toISOString(),
        operation,
        requested: r.requested,
        servedBy: r.servedBy,
        ...(first?.class ? { reason: first.class } : {}),
      });
    }
    if (recent.length > limit) recent.length = limit;
  });
  return { recent: () => [...recent], stop };
}
