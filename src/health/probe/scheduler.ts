/**
 * When each account is probed: every account has a due time, spread over its first interval
 * and then jittered per interval so accounts never probe in lockstep. `runDue` probes the
 * accounts that are due; whoever drives health (a timer on Node, a Cron Trigger on Workers)
 * calls it. One account is never probed twice at once.
 */
import type { ResolvedAccount } from '../../config/account.ts';
import { accountKey } from '../ledger.ts';
import type { HealthSettings } from '../settings.ts';
import type { ProbeBook } from './book.ts';
import type { ProbeOptions, Prober } from './runner.ts';
import type { ProbeResult } from './types.ts';

export interface ProbePolicy {
  enabled: boolean;
  intervalMs: number;
}

export interface ProbeSchedulerDeps {
  accounts(): readonly ResolvedAccount[];
  prober: Prober;
  book: ProbeBook;
  settings: HealthSettings;
  policyOf(account: ResolvedAccount): ProbePolicy;
  now(): number;
  random(): number;
  /**
   * May this instance probe the account now? Several instances share one probe per account
   * and interval (a lease in the shared store; `minGapMs` is the shortest jittered interval);
   * refused, the next probe is due an interval after the fleet's last one. Alone, always.
   */
  claim?(
    account: ResolvedAccount,
    intervalMs: number,
    minGapMs: number,
  ): Promise<{ ok: true } | { ok: false; lastAt: number }>;
  /** Told after every recorded result (shared with the fleet; health re-evaluates soon); awaited. */
  onResult?(result: ProbeResult): void | Promise<void>;
}

export interface ProbeScheduler {
  /** Probes every account whose time has come; resolves when they finished. */
  runDue(): Promise<void>;
  /** The earliest due time of an enabled account (epoch ms), if any. */
  nextDueAt(): number | undefined;
  /** An operator's probe: runs now and is recorded like any other. */
  probe(account: ResolvedAccount, options?: ProbeOptions): Promise<ProbeResult>;
  concurrent(account: ResolvedAccount, instances: number): Promise<ProbeResult>;
}

export function createProbeScheduler(deps: ProbeSchedulerDeps): ProbeScheduler {
  const { settings } = deps;
  const dueAt = new Map<string, number>();
  const running = new Set<string>();

  const jittered = (ms: number) =>
    ms * (1 - settings.probeJitterRatio + 2 * settings.probeJitterRatio * deps.random());

  async function record(result: ProbeResult): Promise<ProbeResult> {
    deps.book.record(result);
    await deps.onResult?.(result);
    return result;
  }

  /** Due times of the current accounts (a new account's first probe lands within one interval). */
  function dueTimes(): Map<string, { account: ResolvedAccount; at: number }> {
    const out = new Map<string, { account: ResolvedAccount; at: number }>();
    for (const account of deps.accounts()) {
      const policy = deps.policyOf(account);
      if (!policy.enabled) continue;
      const key = accountKey(account.carrier, account.id);
      let at = dueAt.get(key);
      if (at === undefined) {
        at = deps.now() + policy.intervalMs * deps.random();
        dueAt.set(key, at);
      }
      out.set(key, { account, at });
    }
    return out;
  }

  async function probeScheduled(key: string, account: ResolvedAccount): Promise<void> {
    const { intervalMs } = deps.policyOf(account);
    dueAt.set(key, deps.now() + jittered(intervalMs));
    if (running.has(key)) return;
    running.add(key);
    try {
      if (deps.claim !== undefined) {
        // A little under the shortest interval this instance draws, so its own next probe passes.
        const minGapMs = intervalMs * (1 - settings.probeJitterRatio) * 0.95;
        const claim = await deps.claim(account, intervalMs, minGapMs);
        if (!claim.ok) {
          dueAt.set(key, claim.lastAt + jittered(intervalMs));
          return;
        }
      }
      await record(await deps.prober.probe(account, { kind: 'scheduled' }));
    } catch {
      // A probe reports its failures as results; anything else is not worth stopping for.
    } finally {
      running.delete(key);
    }
  }

  return {
    async runDue() {
      const at = deps.now();
      const due = [...dueTimes()].filter(([, d]) => d.at <= at);
      await Promise.all(due.map(([key, d]) => probeScheduled(key, d.account)));
    },
    nextDueAt() {
      let earliest: number | undefined;
      for (const { at } of dueTimes().values())
        earliest = earliest === undefined ? at : Math.min(earliest, at);
      return earliest;
    },
    probe: async (account, options = {}) =>
      record(await deps.prober.probe(account, { kind: 'on_demand', ...options })),
    concurrent: async (account, instances) => record(await deps.prober.concurrent(account, instances)),
  };
}
