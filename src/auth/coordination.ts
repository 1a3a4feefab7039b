/**
 * Cross-instance refresh coordination, around the token call of one flight. Several gateway
 * instances share one store; without this each would refresh the same token, and with
 * rotating refresh tokens one would destroy the others' (chaos A2).
 *
 * - One instance takes the key's refresh lock, re-reads the store (another instance may
 *   just have refreshed: then it adopts, chaos A6) and makes the token call while renewing
 *   its lease, so a slow token endpoint never lets a second instance refresh with the same
 *   refresh token (A3). The lock is for efficiency only; the store's compare-and-set keeps
 *   correctness if a lease is lost anyway (a paused process, a Redis failover).
 * - The others wait for the new version (woken by the store, polling as a fallback) and
 *   adopt it; they retry the lock in short slices, so a holder killed mid-refresh is
 *   replaced once its lease runs out (A8), and they never wait past a deadline (A11).
 * - While the shared store is unreachable (A7): client-credential style tokens fall back to
 *   this instance's single-flight; a rotating refresh token is never refreshed without the
 *   lock, so a still-valid token keeps being served and an expired one is a clear
 *   `unavailable` error, not a hang.
 */

import type { TokenCallReason } from '../events/types.ts';
import { authError } from './auth-error.ts';
import { fingerprint } from './cache-key.ts';
import type { Logger } from './log.ts';
import { type CachedToken, isUsable, logFields, remember, type Slot } from './token-slot.ts';
import type { StoredToken, TokenStore, Versioned } from './types.ts';

/** A lease on one key's refresh, held by one owner. */
export interface SharedLock {
  /** Extends the lease to `ttlMs` from now; false when it is no longer ours. */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases it if it is still ours. */
  release(): Promise<void>;
}

/** What the broker needs from a shared store to coordinate instances (the Redis store has it all). */
export interface RefreshCoordinator {
  /** Whether the shared store is reachable right now. */
  readonly connected: boolean;
  /** The key's refresh lock for `ttlMs`, or undefined when another owner holds it. */
  tryLock(key: string, ttlMs: number): Promise<SharedLock | undefined>;
  /** Resolves once the key holds a version above `afterVersion`, or at `deadline` (epoch ms, wall clock). */
  waitForVersion(
    key: string,
    afterVersion: number,
    deadline: number,
  ): Promise<Versioned<StoredToken> | undefined>;
  onConnectionChange?(listener: (connected: boolean) => void): void;
  /** A failover to a primary that may miss the newest writes. */
  onPrimaryChange?(listener: () => void): void;
}

export interface CoordinationSettings {
  coordinator: RefreshCoordinator;
  /** Lease of the refresh lock; renewed every third of it while the holder works. */
  lockTtlMs: number;
  /** How long a flight may wait for another instance's refresh before it gives up. */
  waitBudgetMs: number;
  /**
   * True while the store is being restored after a loss: every instance writes back what it
   * holds first, so nobody refreshes a rotating token with an older refresh token meanwhile.
   */
  restoring?: () => boolean;
}

/** What a flight does after coordinating. */
export type CoordinatedEntry =
  /** Another instance refreshed (or, degraded, the held token is still good): use it. */
  | { kind: 'adopted'; cached: CachedToken }
  /** This instance holds the lock: call the token endpoint with `stored`, then `release()`. */
  | { kind: 'locked'; stored: Versioned<StoredToken> | undefined; release(): Promise<void> }
  /** No coordination possible, and none needed for this token: this instance's single-flight. */
  | { kind: 'local' };

export interface CoordinationDeps {
  settings: CoordinationSettings;
  store: TokenStore;
  now: () => number;
  random: () => number;
  logger: Logger;
}

/** Whether `stored` may be used instead of a token call made for `reason`. */
export async function adoptable(
  slot: Slot,
  stored: StoredToken,
  reason: TokenCallReason,
  refused: string | undefined,
  at: number,
): Promise<boolean> {
  if (!isUsable(stored, at)) return false;
  if (reason !== 'forced' && reason !== 'proactive') return true;
  const fp = await fingerprint(stored.accessToken);
  return reason === 'forced' ? fp !== refused : fp !== slot.fingerprint;
}

const ignore = () => undefined;
/** How long a rotating refresh waits for the store-loss write-backs (longer than their grace). */
const RESTORE_WAIT_MS = 5_000;
const RESTORE_POLL_MS = 100;

export function createRefreshCoordination(deps: CoordinationDeps) {
  const { coordinator, lockTtlMs, waitBudgetMs } = deps.settings;
  const { store, now, random, logger } = deps;
  // Waiters retry the lock this often, so a dead holder is replaced soon after its lease ends.
  const sliceMs = Math.max(50, Math.floor(lockTtlMs / 4));

  function degraded(slot: Slot, reason: TokenCallReason): CoordinatedEntry {
    const { source } = slot;
    if (!source.usesRefreshToken) return { kind: 'local' };
    if (reason !== 'forced' && isUsable(slot.token, now()) && slot.fingerprint !== undefined) {
      return { kind: 'adopted', cached: { token: slot.token, fingerprint: slot.fingerprint } };
    }
    throw authError(source.account, source.name, {
      failureClass: 'unavailable',
      code: 'store_unreachable',
      reason: 'the shared token store is unreachable; a rotating refresh token is not refreshed without it',
    });
  }

  async function adopt(slot: Slot, latest: Versioned<StoredToken>): Promise<CoordinatedEntry> {
    return { kind: 'adopted', cached: await remember(slot, latest.value, latest.version, false, random) };
  }

  /** Holding the lock: re-read (someone may have finished just before), else keep the lease alive. */
  async function locked(
    slot: Slot,
    reason: TokenCallReason,
    refused: string | undefined,
    lock: SharedLock,
  ): Promise<CoordinatedEntry> {
    let latest: Versioned<StoredToken> | undefined;
    try {
      latest = await store.get(slot.source.key);
    } catch {
      await lock.release().catch(ignore);
      return degraded(slot, reason);
    }
    if (latest !== undefined && (await adoptable(slot, latest.value, reason, refused, now()))) {
      await lock.release().catch(ignore);
      return adopt(slot, latest);
    }
    let lost = false;
    const renewal = setInterval(
      () => {
        lock.extend(lockTtlMs).then((ours) => {
          if (!ours && !lost) {
            lost = true;
            // Correctness does not depend on it (compare-and-set does), but it is worth knowing.
            logger.warn('refresh lock lost while refreshing', logFields(slot.source));
          }
        }, ignore);
      },
      Math.max(20, Math.floor(lockTtlMs / 3)),
    );
    (renewal as { unref?: () => void }).unref?.();
    return {
      kind: 'locked',
      stored: latest,
      release: async () => {
        clearInterval(renewal);
        await lock.release().catch(ignore);
      },
    };
  }

  /**
   * Takes the refresh lock of the slot's key, or waits for the instance holding it and adopts
   * its token. `seen` is what this flight read before (its version is the one to beat).
   */
  async function enter(
    slot: Slot,
    reason: TokenCallReason,
    refused: string | undefined,
    seen: Versioned<StoredToken> | undefined,
  ): Promise<CoordinatedEntry> {
    const key = slot.source.key;
    const deadline = now() + waitBudgetMs;
    let baseline = seen?.version ?? 0;
    // Wall clock: the broker's clock may be a test's that does not move by itself.
    const restoreWaitEnd = Date.now() + RESTORE_WAIT_MS;
    for (;;) {
      if (!coordinator.connected) return degraded(slot, reason);
      if (slot.source.usesRefreshToken && deps.settings.restoring?.()) {
        // Instances are writing back what they hold: a held token serves meanwhile; a refresh
        // waits for the write-backs, so it starts from the newest refresh token the fleet had.
        if (Date.now() >= restoreWaitEnd) return degraded(slot, reason);
        if (reason !== 'forced' && isUsable(slot.token, now())) return degraded(slot, reason);
        await new Promise((resolve) => setTimeout(resolve, RESTORE_POLL_MS));
        continue;
      }
      let lock: SharedLock | undefined;
      try {
        lock = await coordinator.tryLock(key, lockTtlMs);
      } catch {
        return degraded(slot, reason);
      }
      if (lock !== undefined) return locked(slot, reason, refused, lock);
      if (now() >= deadline) {
        throw authError(slot.source.account, slot.source.name, {
          failureClass: 'unavailable',
          code: 'refresh_wait_timeout',
          reason: 'another instance is still refreshing this token',
        });
      }
      let latest: Versioned<StoredToken> | undefined;
      try {
        // The store's deadline is on the wall clock; this flight's budget is on the broker's clock.
        const waitMs = Math.min(sliceMs, Math.max(0, deadline - now()));
        latest = await coordinator.waitForVersion(key, baseline, Date.now() + waitMs);
      } catch {
        return degraded(slot, reason);
      }
      if (latest !== undefined && latest.version > baseline) {
        if (await adoptable(slot, latest.value, reason, refused, now())) return adopt(slot, latest);
        baseline = latest.version;
      }
    }
  }

  return { enter };
}

export type RefreshCoordination = ReturnType<typeof createRefreshCoordination>;
