/**
 * Persists a new token through compare-and-set. A conflict means another writer got there
 * first: its token is adopted when still usable. A store that throws is retried a few times;
 * after that the caller keeps the token in memory and flushes it later (chaos A9).
 */
import type { StoredToken, TokenStore, Versioned } from './types.ts';

/** Attempts per write before giving up for now (the broker retries later in the background). */
export const STORE_WRITE_ATTEMPTS = 3;

export type WriteResult =
  /** Ours is stored at `version`. */
  | { kind: 'stored'; version: number }
  /** Someone else's newer, still-valid token is stored: use it instead. */
  | { kind: 'adopt'; current: Versioned<StoredToken> }
  /** The store failed: keep ours in memory (unsaved) and try again later. */
  | { kind: 'failed' };

export async function writeToken(
  store: TokenStore,
  key: string,
  expectedVersion: number,
  token: StoredToken,
  now: number,
  onError: (attempt: number) => void,
): Promise<WriteResult> {
  let expected = expectedVersion;
  for (let attempt = 1; attempt <= STORE_WRITE_ATTEMPTS; attempt += 1) {
    try {
      const result = await store.compareAndSet(key, expected, token);
      if (result.ok) return { kind: 'stored', version: result.version };
      const current = result.current;
      // A newer usable token wins; an expired or deleted entry is replaced by ours.
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
