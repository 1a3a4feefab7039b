/** Builds the SimContext a carrier simulator factory receives. */
import { createAccountBook } from './accounts.ts';
import { createDocumentKit } from './documents/index.ts';
import { createFaultBook } from './faults.ts';
import { createLabelBook } from './labels.ts';
import { createModeBook } from './modes.ts';
import { createStats } from './stats.ts';
import { createTokenAuthority } from './tokens.ts';
import type { SimContext } from './types.ts';

export interface SimContextOptions {
  clock?: () => number;
  random?: () => number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createSimContext(carrier: string, options: SimContextOptions = {}): SimContext {
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const accounts = createAccountBook();
  const stats = createStats(clock);
  const modes = createModeBook();
  return {
    carrier,
    accounts,
    faults: createFaultBook(carrier, { clock, random }),
    stats,
    modes,
    tokens: createTokenAuthority({ carrier, accounts, stats, modes, clock }),
    labels: createLabelBook(stats, clock),
    documents: createDocumentKit(),
    clock,
    sleep,
    random,
  };
}

/** Control reset: everything but the accounts. */
export function resetSimContext(sim: SimContext): void {
  sim.stats.reset();
  sim.faults.clear();
  sim.modes.reset();
  sim.tokens.reset();
  sim.labels.reset();
}
