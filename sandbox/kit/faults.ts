/** Injected faults of one carrier: matching, probability, count and duration. */
import { randomUUID } from 'node:crypto';
import type { Fault, FaultBook, FaultQuery, FaultSpec } from './types.ts';

export interface FaultBookOptions {
  clock: () => number;
  random: () => number;
}

export function createFaultBook(carrier: string, options: FaultBookOptions): FaultBook {
  let faults: Fault[] = [];

  const alive = (fault: Fault, now: number): boolean =>
    (fault.count === undefined || fault.fired < fault.count) &&
    (fault.durationMs === undefined || now - fault.createdAt < fault.durationMs);

  const matches = (fault: Fault, query: FaultQuery): boolean =>
    fault.target === query.target &&
    (fault.account === undefined || fault.account === query.account) &&
    (fault.endpoint === undefined || fault.endpoint === query.endpoint);

  return {
    take(query) {
      const now = options.clock();
      faults = faults.filter((f) => alive(f, now));
      for (const fault of faults) {
        if (!matches(fault, query)) continue;
        // A fault that loses its roll lets later faults have a go: they are independent.
        if (fault.probability < 1 && options.random() >= fault.probability) continue;
        fault.fired += 1;
        const fired = { ...fault, params: fault.params ? { ...fault.params } : undefined };
        if (!alive(fault, now)) faults = faults.filter((f) => f !== fault);
        return fired;
      }
      return undefined;
    },
    add(spec: Omit<FaultSpec, 'carrier'>) {
      const fault: Fault = {
        ...spec,
        carrier,
        id: randomUUID(),
        probability: spec.probability ?? 1,
        createdAt: options.clock(),
        fired: 0,
      };
      faults.push(fault);
      return { ...fault };
    },
    list() {
      const now = options.clock();
      faults = faults.filter((f) => alive(f, now));
      return faults.map((f) => ({ ...f }));
    },
    clear() {
      faults = [];
    },
  };
}
