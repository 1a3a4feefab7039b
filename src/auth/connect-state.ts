/**
 * Pending PKCE authorizations, keyed by their `state`. A state is single-use (taken on first
 * sight, whatever happens next) and expires after 10 minutes; the map is bounded.
 */

/** How long a user has to come back from the carrier's login page. */
export const CONNECT_STATE_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 10_000;

export interface PendingAuthorization {
  carrier: string;
  account: string;
  codeVerifier: string;
  redirectUri: string;
  expiresAt: number;
}

export type TakenState =
  | { ok: true; pending: PendingAuthorization }
  | { ok: false; reason: 'unknown' | 'expired' };

export function createConnectStates(now: () => number) {
  const pending = new Map<string, PendingAuthorization>();

  function sweep(at: number): void {
    for (const [state, p] of pending) if (p.expiresAt <= at) pending.delete(state);
    // Still full: drop the oldest (Map keeps insertion order).
    while (pending.size >= MAX_PENDING) {
      const oldest = pending.keys().next().value;
      if (oldest === undefined) break;
      pending.delete(oldest);
    }
  }

  return {
    add(state: string, p: Omit<PendingAuthorization, 'expiresAt'>): void {
      const at = now();
      if (pending.size >= MAX_PENDING) sweep(at);
      pending.set(state, { ...p, expiresAt: at + CONNECT_STATE_TTL_MS });
    },
    /** Removes and returns the state: a second use always fails. */
    take(state: string): TakenState {
      const p = pending.get(state);
      if (p === undefined) return { ok: false, reason: 'unknown' };
      pending.delete(state);
      return p.expiresAt <= now() ? { ok: false, reason: 'expired' } : { ok: true, pending: p };
    },
    size: () => pending.size,
  };
}
