/**
 * Fleet membership: every instance writes a heartbeat into the control store, so a fleet-wide
 * action (the revoke-all drill) can say how many instances there are and which of them
 * acknowledged. An instance not seen for `staleMs` is no longer counted (and is pruned).
 */
import { z } from 'zod';
import type { Timers } from '../health/index.ts';
import type { ControlPlane } from './types.ts';

export const MEMBERS_KEY = '{fleet}members';
const Member = z.object({ seenAt: z.number(), startedAt: z.number() });

/** One instance's heartbeat, as stored under MEMBERS_KEY (a runtime may write it by itself). */
export const memberEntry = (seenAt: number, startedAt: number): z.infer<typeof Member> => ({
  seenAt,
  startedAt,
});

export interface Membership {
  /** Heartbeats on the runtime's timers (Node); Workers have no long-lived instances. */
  start(timers: Timers): void;
  stop(): Promise<void>;
  /** The instances seen recently (this one included once it has beaten). */
  live(): Promise<string[]>;
  /** How many instances the last successful `live()` saw (at least 1: this one). */
  lastKnownCount(): number;
  beat(): Promise<void>;
}

export function createMembership(
  control: ControlPlane,
  now: () => number,
  options: { intervalMs?: number; staleMs?: number } = {},
): Membership {
  const intervalMs = options.intervalMs ?? 5_000;
  const staleMs = options.staleMs ?? intervalMs * 3;
  const startedAt = now();
  let cancel: (() => void) | undefined;
  let stopped = false;
  let known = 1;

  async function beat(): Promise<void> {
    await control.store
      .mapSet(MEMBERS_KEY, control.instanceId, memberEntry(now(), startedAt))
      .catch(() => undefined);
  }

  async function live(): Promise<string[]> {
    const all = await control.store.mapGet(MEMBERS_KEY);
    const at = now();
    const live: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const member = Member.safeParse(raw);
      if (member.success && at - member.data.seenAt <= staleMs) live.push(id);
      else if (!member.success || at - member.data.seenAt > staleMs * 20) {
        await control.store.mapDelete(MEMBERS_KEY, id).catch(() => undefined);
      }
    }
    known = Math.max(1, live.length);
    return live.sort();
  }

  return {
    beat,
    start(timers) {
      const loop = () => {
        if (stopped) return;
        cancel = timers.after(intervalMs, () => {
          // Each beat also refreshes the count a degraded instance divides shared budgets by.
          void beat()
            .then(() => live())
            .catch(() => undefined)
            .finally(loop);
        });
      };
      void beat();
      loop();
    },
    async stop() {
      stopped = true;
      cancel?.();
      await control.store.mapDelete(MEMBERS_KEY, control.instanceId).catch(() => undefined);
    },
    live,
    lastKnownCount: () => known,
  };
}
