/** What the token engine keeps per key, and how a fresh token is taken into memory. */
import type { ResolvedAccount } from '../config/account.ts';
import { fingerprint } from './cache-key.ts';
import { refreshAt } from './lifetime.ts';
import type { TokenOutcome } from './strategies/oauth-token.ts';
import type { StoredToken } from './types.ts';

/** Where tokens of one key come from. */
export interface TokenSource {
  key: string;
  account: ResolvedAccount;
  name: string;
  /** Tokens come from a refresh token: `invalid_grant` means a race or a revocation. */
  usesRefreshToken: boolean;
  /** The refresh token used when the store holds none (configured seed). */
  seedRefreshToken?: string | undefined;
  obtain(current: StoredToken | undefined): Promise<TokenOutcome>;
}

export interface CachedToken {
  token: StoredToken;
  fingerprint: string;
}

export interface Slot {
  source: TokenSource;
  token?: StoredToken | undefined;
  fingerprint?: string | undefined;
  version: number;
  refreshAt: number;
  lastFetchAt?: number | undefined;
  /** The token is newer than the store (a write failed): flush before anything else. */
  unsaved: boolean;
}

export const isUsable = (t: StoredToken | undefined, at: number): t is StoredToken =>
  t !== undefined && t.accessToken !== '' && at < t.expiresAt;

/** Takes `token` into the slot, with its fingerprint and a jittered proactive-refresh time. */
export async function remember(
  slot: Slot,
  token: StoredToken,
  version: number,
  unsaved: boolean,
  random: () => number,
): Promise<CachedToken> {
  const fp = await fingerprint(token.accessToken);
  slot.token = token;
  slot.fingerprint = fp;
  slot.version = version;
  slot.unsaved = unsaved;
  slot.refreshAt = refreshAt(token.obtainedAt, token.expiresAt, random());
  return { token, fingerprint: fp };
}

export const logFields = (s: TokenSource) => ({
  carrier: s.account.carrier,
  account: s.account.id,
  name: s.name,
});
