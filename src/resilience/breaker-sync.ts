/**
 * Auth breakers shared by several gateway instances, so a revoked or misconfigured credential
 * is discovered once, not once per instance.
 *
 * - When an instance's auth breaker for an account opens from its own failures, it publishes
 *   `open` (with the failure class). Every other instance opens its breaker for that account
 *   at once (and starts its own reset timer), without having to fail N calls first.
 * - Half-open: each instance's timer ends on its own, but only one instance fleet-wide may
 *   send the probe: before the probe goes out it takes a short probe lock in the shared store.
 *   An instance that does not get it re-opens its breaker (another reset period) and waits.
 * - The prober's result is published: `closed` (the probe succeeded) closes every instance's
 *   breaker and releases the lock; `open` (it failed) keeps them open, and the lock is kept
 *   until its lease ends, so a failing carrier sees at most one probe per lease fleet-wide
 *   (instances whose timers end later are refused too). A dead prober's lock just expires.
 * - While the shared store is unreachable, each instance decides alone (the breakers keep
 *   working locally; messages are best effort).
 * The API breakers are not shared: a carrier being unreachable from one instance says little
 * about the others' network path.
 */
import { z } from 'zod';
import { FAILURE_CLASSES } from '../domain/failure.ts';
import type { EventBus } from '../events/bus.ts';
import type { BreakerBoard, BreakerBoardOptions } from './board.ts';

export const BreakerMessage = z
  .object({
    v: z.literal(1),
    from: z.string().min(1).max(100),
    carrier: z.string().min(1).max(100),
    account: z.string().min(1).max(200),
    state: z.enum(['open', 'closed']),
    lastFailure: z
      .object({
        failureClass: z.enum(FAILURE_CLASSES),
        code: z.string().max(200).optional(),
        retryAfterMs: z.number().nonnegative().optional(),
      })
      .optional(),
  })
  .strict();
export type BreakerMessage = z.infer<typeof BreakerMessage>;

export interface ProbeLock {
  release(): Promise<void>;
}

/** The shared medium (Redis pub/sub and a lock on Node). Every method may fail: best effort. */
export interface BreakerChannel {
  publish(message: BreakerMessage): Promise<void>;
  subscribe(handler: (message: unknown) => void): void;
  /** The account's probe lock, or undefined when another instance holds it. */
  tryProbeLock(carrier: string, account: string, ttlMs: number): Promise<ProbeLock | undefined>;
}

export interface BreakerSyncLogger {
  info(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export interface BreakerSyncOptions {
  channel: BreakerChannel;
  /** This instance, so it ignores its own messages. */
  instanceId: string;
  /** How long a probe may take before another instance may probe (the lock's lease). */
  probeLockMs: number;
  logger?: BreakerSyncLogger;
}

export interface BreakerSync {
  /** Pass to the board (createGateway's `breakers`): it asks before each half-open probe. */
  readonly boardOptions: BreakerBoardOptions;
  /** Starts listening and publishing for `board`, whose changes `bus` announces. */
  attach(board: BreakerBoard, bus: EventBus): void;
}

const keyOf = (carrier: string, account: string) => `${carrier}\u0000${account}`;

export function createBreakerSync(options: BreakerSyncOptions): BreakerSync {
  const { channel, instanceId, probeLockMs, logger } = options;
  const probes = new Map<string, ProbeLock>();
  let board: BreakerBoard | undefined;
  // True while this instance applies another's decision: that change must not be re-published.
  let applying = false;

  const apply = (change: () => void) => {
    applying = true;
    try {
      change();
    } finally {
      applying = false;
    }
  };

  function releaseProbe(key: string): void {
    const lock = probes.get(key);
    if (lock === undefined) return;
    probes.delete(key);
    void lock.release().catch(() => undefined);
  }

  async function probePermit(carrier: string, account: string): Promise<boolean> {
    let lock: ProbeLock | undefined;
    try {
      lock = await channel.tryProbeLock(carrier, account, probeLockMs);
    } catch {
      return true; // the shared store is away: this instance decides alone
    }
    const breaker = board?.for(carrier, account).auth;
    if (lock !== undefined) {
      // Still half-open? Keep the lock until the probe settles; otherwise it is not needed.
      if (breaker?.state === 'half_open') probes.set(keyOf(carrier, account), lock);
      else void lock.release().catch(() => undefined);
      return true;
    }
    logger?.info('auth breaker probe left to another instance', { carrier, account });
    if (breaker !== undefined) apply(() => breaker.forceOpen());
    return false;
  }

  function onMessage(raw: unknown): void {
    const parsed = BreakerMessage.safeParse(raw);
    if (!parsed.success || parsed.data.from === instanceId || board === undefined) return;
    const message = parsed.data;
    const breaker = board.for(message.carrier, message.account).auth;
    if (message.state === 'open' && breaker.state !== 'open') {
      const last = message.lastFailure;
      apply(() =>
        breaker.forceOpen(
          last === undefined
            ? undefined
            : {
                failureClass: last.failureClass,
                code: last.code,
                retryAfterMs: last.retryAfterMs,
                at: Date.now(),
              },
        ),
      );
      logger?.info('auth breaker opened by another instance', {
        carrier: message.carrier,
        account: message.account,
        failureClass: last?.failureClass,
      });
    } else if (message.state === 'closed' && breaker.state !== 'closed') {
      apply(() => breaker.forceClose());
      logger?.info('auth breaker closed by another instance', {
        carrier: message.carrier,
        account: message.account,
      });
    }
  }

  return {
    boardOptions: { probePermit },
    attach(target, bus) {
      board = target;
      channel.subscribe(onMessage);
      bus.on('breaker.changed', (change) => {
        if (change.kind !== 'auth') return;
        const key = keyOf(change.carrier, change.account);
        if (change.state === 'closed') releaseProbe(key);
        else if (change.state === 'open') probes.delete(key); // kept in Redis until its lease ends
        if (applying || change.state === 'half_open') return;
        const last = change.lastFailure;
        const message: BreakerMessage = {
          v: 1,
          from: instanceId,
          carrier: change.carrier,
          account: change.account,
          state: change.state,
          ...(change.state === 'open' && last !== undefined
            ? {
                lastFailure: {
                  failureClass: last.failureClass,
                  ...(last.code !== undefined ? { code: last.code } : {}),
                  ...(last.retryAfterMs !== undefined ? { retryAfterMs: last.retryAfterMs } : {}),
                },
              }
            : {}),
        };
        void channel.publish(message).catch(() => undefined);
      });
    },
  };
}
