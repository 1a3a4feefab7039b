/**
 * What the oracle watches while the run goes on, always from outside the gateway: the
 * gateway processes' memory and descriptors (from /proc), the simulators' token-call counters
 * per account (so calls per window can be told), and, once the faults stop, every instance's
 * breakers (GET /v1/carriers) until they are all closed.
 */
import type { ControlClient } from '../../../sandbox/control-client.ts';
import type { CarriersResponse } from '../../../src/domain/carriers-view.ts';
import type { ProcessSample, SoakGateway } from '../processes/gateway.ts';

export interface TokenSample {
  at: number;
  /** carrier -> account -> token calls so far. */
  calls: Record<string, Record<string, number>>;
  /** carrier -> account -> spent refresh tokens presented again so far. */
  reuse: Record<string, Record<string, number>>;
}

export interface BreakerSnapshot {
  at: number;
  instance: number;
  /** carrier/account/kind of every breaker that is not closed. */
  notClosed: string[];
}

export function startSamplers(options: {
  gateways: readonly SoakGateway[];
  control: ControlClient;
  processEveryMs: number;
  tokensEveryMs: number;
}) {
  const processes: ProcessSample[] = [];
  const tokens: TokenSample[] = [];
  const timers = [
    setInterval(async () => {
      for (const gateway of options.gateways) {
        const sample = await gateway.sample();
        if (sample) processes.push(sample);
      }
    }, options.processEveryMs),
    setInterval(async () => {
      const at = Date.now();
      const all = await options.control.allStats().catch(() => undefined);
      if (!all) return;
      tokens.push({
        at,
        calls: Object.fromEntries(Object.entries(all).map(([c, s]) => [c, s.tokenCalls])),
        reuse: Object.fromEntries(Object.entries(all).map(([c, s]) => [c, s.refreshTokenReuse])),
      });
    }, options.tokensEveryMs),
  ];
  return {
    processes,
    tokens,
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}

export async function breakersOf(gateway: SoakGateway, apiKey: string): Promise<string[] | undefined> {
  try {
    const res = await fetch(`${gateway.url}/v1/carriers`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as CarriersResponse;
    const notClosed: string[] = [];
    for (const carrier of body.carriers)
      for (const account of carrier.accounts)
        for (const kind of ['auth', 'api'] as const)
          if (account.breakers[kind].state !== 'closed')
            notClosed.push(`${carrier.id}/${account.id}/${kind}:${account.breakers[kind].state}`);
    return notClosed;
  } catch {
    return undefined;
  }
}

/**
 * Polls every instance's breakers once a second until `untilEpochMs`. `allClosedAt` is when
 * the last streak of polls that found every breaker closed everywhere began (undefined when
 * the last poll still found one that was not).
 */
export async function watchBreakersClose(
  gateways: readonly SoakGateway[],
  apiKey: string,
  untilEpochMs: number,
): Promise<{ snapshots: BreakerSnapshot[]; allClosedAt?: number }> {
  const snapshots: BreakerSnapshot[] = [];
  let allClosedAt: number | undefined;
  while (Date.now() < untilEpochMs) {
    const at = Date.now();
    let closed = true;
    for (const gateway of gateways) {
      const notClosed = await breakersOf(gateway, apiKey);
      snapshots.push({ at, instance: gateway.index, notClosed: notClosed ?? ['(no answer)'] });
      if (notClosed === undefined || notClosed.length > 0) closed = false;
    }
    if (!closed) allClosedAt = undefined;
    else allClosedAt ??= at;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return allClosedAt === undefined ? { snapshots } : { snapshots, allClosedAt };
}
