/**
 * Probes for a fleet: one probe per account and interval for the whole fleet (a lease in the
 * control store with the time of the fleet's last probe: whoever moves it first probes, the
 * others schedule their next probe after it), and the
 * latest result of every account shared, so each instance scores with the fleet's latest
 * probe and the results outlive a restart.
 */
import { z } from 'zod';
import type { ResolvedAccount } from '../../config/account.ts';
import type { ControlPlane } from '../../control/types.ts';
import { FAILURE_CLASSES } from '../../domain/failure.ts';
import { accountKey } from '../ledger.ts';
import type { ProbeResult } from '../probe/types.ts';

const RESULTS_KEY = '{fleet}health:probes';
const leaseKey = (account: ResolvedAccount) => `{account:${account.carrier}/${account.id}}probe-lease`;

const Step = z.object({
  step: z.enum(['token', 'payload', 'api', 'concurrent']),
  ok: z.boolean().optional(),
  latencyMs: z.number().optional(),
  detail: z.string(),
  failureClass: z.enum(FAILURE_CLASSES).optional(),
  code: z.string().optional(),
  retryAfterMs: z.number().optional(),
});
const Finding = z.object({
  severity: z.enum(['fail', 'warn']),
  code: z.string(),
  message: z.string(),
  failureClass: z.enum(FAILURE_CLASSES).optional(),
  errorCode: z.string().optional(),
});
const Result = z.object({
  carrier: z.string(),
  account: z.string(),
  kind: z.enum(['scheduled', 'on_demand', 'concurrent']),
  at: z.number(),
  outcome: z.enum(['pass', 'degraded', 'fail']),
  failureClass: z.enum(FAILURE_CLASSES).optional(),
  code: z.string().optional(),
  retryAfterMs: z.number().optional(),
  latencyMs: z.number(),
  steps: z.array(Step),
  findings: z.array(Finding),
  concurrent: z
    .object({ instances: z.number(), tokensObtained: z.number(), tokensAccepted: z.number() })
    .optional(),
});

/** The answer to a claim: probe now, or the fleet probed at `lastAt` (schedule after it). */
export type ProbeClaim = { ok: true } | { ok: false; lastAt: number };

export interface FleetProbes {
  /**
   * May this instance run the scheduled probe of `account` now? Yes unless some instance
   * probed it less than `minGapMs` ago (the shortest jittered interval).
   */
  claim(account: ResolvedAccount, intervalMs: number, minGapMs: number): Promise<ProbeClaim>;
  /** Shares a result with the fleet. */
  share(result: ProbeResult): Promise<void>;
  /** The fleet's latest results (this instance's included), newest per account. */
  latest(): Promise<ProbeResult[]>;
}

const Lease = z.object({ at: z.number(), instance: z.string() });
const leaseAt = (raw: unknown) => Lease.safeParse(raw).data?.at;

export function createFleetProbes(control: ControlPlane, now: () => number): FleetProbes {
  const { store } = control;
  return {
    async claim(account, intervalMs, minGapMs) {
      const key = leaseKey(account);
      const current = await store.get(key);
      const lastAt = leaseAt(current?.value);
      if (lastAt !== undefined && now() - lastAt < minGapMs) return { ok: false, lastAt };
      const lease = { at: now(), instance: control.instanceId };
      // The lease outlives a few intervals only: an account nobody probes leaves nothing behind.
      const written = await store.compareAndSet(
        key,
        current?.version ?? 0,
        lease,
        Math.round(intervalMs * 3),
      );
      return written.ok ? { ok: true } : { ok: false, lastAt: leaseAt(written.current?.value) ?? now() };
    },
    async share(result) {
      await control.store.mapSet(RESULTS_KEY, accountKey(result.carrier, result.account), result);
    },
    async latest() {
      const all = await control.store.mapGet(RESULTS_KEY);
      const out: ProbeResult[] = [];
      for (const raw of Object.values(all)) {
        const parsed = Result.safeParse(raw);
        if (parsed.success) out.push(parsed.data as ProbeResult);
      }
      return out;
    },
  };
}
