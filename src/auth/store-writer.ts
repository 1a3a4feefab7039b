/**
 * Persists a new token through compare-and-set. A conflict means another writer got there
 * first: its token is adopted when still usable; a revocation's tombstone written meanwhile
 * wins (chaos A13: the revoked account's refresh result is never stored). A store that throws
 * is retried a few times; after that the caller keeps the token in memory and flushes it
 * later (chaos A9).
 */
import type { StoredToken, TokenStore, Versioned } from './types.ts';

/** Attempts per write before giving up for now (the broker retries later in the background). */
export const STORE_WRITE_ATTEMPTS = 3;

export type WriteResult =
  /** Ours is stored at `version`. */
  | { kind: 'stored'; version: number }
  /** Someone else's newer, still-valid token is stored: use it instead. */
  | { kind: 'adopt'; current: Versioned<StoredToken> }
  /** The account was revoked after `expectedVersion` was read: ours must not be stored or served. */
  | { kind: 'revoked'; current: Versioned<StoredToken> }
  /** The store failed: keep ours in memory (unsaved) and try again later. */
  | { kind: 'failed' };

/** A revocation's tombstone written after `version` was read. */
export const revokedSince = (current: Versioned<StoredToken> | undefined, version: number): boolean =>
  current !== undefined && current.version > version && current.value.revokedAt !== undefined;

export async function writeToken(
  store: TokenStore,
  key: string,
  expectedVersion: number,
  token: StoredToken,
  now: number,
  onError: (attempt: number) => void,
): Promise<WriteResult> {
  // Frozen: the memory store then keeps this very object instead of a copy (one per token).
  Object.freeze(token);
  let expected = expectedVersion;
  for (let attempt = 1; attempt <= STORE_WRITE_ATTEMPTS; attempt += 1) {
    try {
      const result = await store.compareAndSet(key, expected, token);
      if (result.ok) return { kind: 'stored', version: result.version };
      const current = result.current;
      if (current !== undefined && revokedSince(current, expectedVersion))
        return { kind: 'revoked', current };
      // A newer usable token wins; an expired or lost entry is replaced by ours.
      if (current !== undefined && current.value.expiresAt > now && current.value.accessToken !== '') {
        return { kind: 'adopt', current };
      }
      expected = current?.version ?? 0;
    } catch {
      onError(attempt);
      await new Promise((resolve) => setTimeout(resolve, 5 * 4 ** attempt));
    }
  }
  return { kind: 'failed' };
}

/**
 * Replaces whatever `key` holds by a revocation tombstone (versions only grow: a refresh in
 * flight cannot write over it). `keepAuthorization` keeps the refresh token, so the account
 * refreshes without re-connecting; without it the account starts from its configured credentials.
 */
export async function writeTombstone(
  store: TokenStore,
  key: string,
  at: number,
  keepAuthorization: boolean,
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await store.get(key);
    const kept = keepAuthorization ? current?.value : undefined;
    const tombstone: StoredToken = {
      accessToken: '',
      tokenType: current?.value.tokenType ?? 'Bearer',
      obtainedAt: at,
      expiresAt: 0,
      revokedAt: at,
      ...(kept?.refreshToken !== undefined
        ? { refreshToken: kept.refreshToken, refreshTokenExpiresAt: kept.refreshTokenExpiresAt }
        : {}),
      ...(kept?.scope !== undefined ? { scope: kept.scope } : {}),
    };
    const result = await store.compareAndSet(key, current?.version ?? 0, tombstone);
    if (result.ok) return true;
  }
  return false;
}
