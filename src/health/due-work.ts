/**
 * Health's periodic work as "due work": `tick()` runs whatever is due now (probes, the
 * evaluation, the refresh-token keep-alive). On Node `start()` drives it with timers, waking
 * at the earliest due time; on Workers a Cron Trigger calls `tick()`. Work still running at
 * `stop()` is awaited.
 */
import type { HealthSettings } from './settings.ts';

/** How Node runs due work later (an unref'd timer); returns the cancellation. */
export interface Timers {
  after(ms: number, run: () => void): () => void;
}

export interface DueJobs {
  /** Probes the accounts that are due. */
  probes(): Promise<void>;
  /** When the next probe is due (epoch ms), if any. */
  nextProbeAt(): number | undefined;
  evaluate(): Promise<void>;
  keepAlive(): Promise<unknown>;
}

export interface DueWork {
  tick(): Promise<void>;
  start(timers: Timers): void;
  /** Resolves once the work under way finished (timers keep running). */
  settled(): Promise<void>;
  /** Stops the timers and waits for the work under way. */
  stop(): Promise<void>;
}

export function createDueWork(
  jobs: DueJobs,
  settings: HealthSettings,
  now: () => number,
  running: () => boolean,
): DueWork {
  let evaluateDueAt = now();
  let keepAliveDueAt = now() + settings.keepAliveIntervalMs;
  const work = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const settled = p.catch(() => undefined);
    work.add(settled);
    void settled.finally(() => work.delete(settled));
  };

  function tick(): Promise<void> {
    if (!running()) return Promise.resolve();
    const at = now();
    const started: Promise<unknown>[] = [jobs.probes()];
    if (at >= evaluateDueAt) {
      evaluateDueAt = at + settings.evaluateIntervalMs;
      started.push(jobs.evaluate());
    }
    if (at >= keepAliveDueAt) {
      keepAliveDueAt = at + settings.keepAliveIntervalMs;
      started.push(jobs.keepAlive());
    }
    for (const job of started) track(job);
    return Promise.allSettled(started).then(() => undefined);
  }

  let cancel: (() => void) | undefined;
  function nextDelay(): number {
    const due = [evaluateDueAt, keepAliveDueAt, jobs.nextProbeAt() ?? Number.POSITIVE_INFINITY];
    return Math.min(Math.max(0, Math.min(...due) - now()), settings.evaluateIntervalMs);
  }
  function loop(timers: Timers): void {
    if (!running()) return;
    cancel = timers.after(nextDelay(), () => {
      // Probes may be slow: later due work does not wait for them (a probe never runs twice at once).
      void tick();
      loop(timers);
    });
  }

  return {
    tick,
    start(timers) {
      if (cancel !== undefined || !running()) return;
      track(jobs.evaluate());
      evaluateDueAt = now() + settings.evaluateIntervalMs;
      loop(timers);
    },
    async settled() {
      await Promise.allSettled([...work]);
    },
    async stop() {
      cancel?.();
      await Promise.allSettled([...work]);
    },
  };
}
