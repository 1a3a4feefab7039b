/**
 * The credential broker's contracts: what callers get, and what a token store must do
 * atomically (memory, Redis and Durable Object stores implement the same interface).
 */
import type { ResolvedAccount } from '../config/account.ts';

/** What an upstream call attaches. `fingerprint` identifies it without revealing it. */
export interface Credential {
  headers: Readonly<Record<string, string>>;
  /** A short hash of the token (never the token) so a use-time 401 can name what it rejected. */
  fingerprint: string;
  /** Epoch ms after which the credential is not valid; undefined for static credentials. */
  expiresAt?: number | undefined;
}

export interface CredentialRequestOptions {
  signal?: AbortSignal | undefined;
  /**
   * The auth breaker's single half-open probe: the broker's own cooldown (set while the
   * breaker was open) must not answer it, or the breaker could never learn the carrier
   * recovered. A carrier's Retry-After is still honoured.
   */
  probe?: boolean | undefined;
}

export interface CredentialBroker {
  /**
   * A valid credential for the account: 'primary' (its auth method) or a derived token's
   * name. Throws a classified CarrierError (auth: true, outcome: 'not_sent') on failure.
   */
  credential(account: ResolvedAccount, name: string, options?: CredentialRequestOptions): Promise<Credential>;
  /**
   * The credential when memory can answer at once (a cached token, no refresh due): what a
   * cache hit costs without waiting or an acquisition span. Undefined: ask `credential`.
   */
  cached?(account: ResolvedAccount, name: string): Credential | undefined;
  /**
   * The carrier refused `fingerprint` although it was believed valid (use-time 401): one
   * forced refresh shared by every caller that saw the same credential refused.
   */
  rejected(
    account: ResolvedAccount,
    name: string,
    fingerprint: string,
    options?: CredentialRequestOptions,
  ): Promise<Credential>;
  /** Drops every cached token of one account (or all accounts): the next call re-authenticates. */
  invalidate(account?: ResolvedAccount): Promise<void>;
}

/** A token set as stored. Times are epoch milliseconds of the local clock at receipt. */
export interface StoredToken {
  accessToken: string;
  tokenType: string;
  obtainedAt: number;
  expiresAt: number;
  refreshToken?: string | undefined;
  refreshTokenExpiresAt?: number | undefined;
  scope?: string | undefined;
  /**
   * Set on a revocation's tombstone (no access token; the refresh token only when the
   * authorization was kept). A refresh that was in flight when it was written can never
   * write its result over it: the account's tokens stay revoked.
   */
  revokedAt?: number | undefined;
}

export interface Versioned<T> {
  value: T;
  /** Monotonic per key; 0 means absent. */
  version: number;
}

export type CompareAndSetResult<T> =
  | { ok: true; version: number }
  | { ok: false; current: Versioned<T> | undefined };

/**
 * A token store. Keys are opaque hashes (never secrets). Writes are compare-and-set on the
 * version, so a late writer can never overwrite a newer token.
 */
export interface TokenStore {
  get(key: string): Promise<Versioned<StoredToken> | undefined>;
  /** Writes only if the stored version equals `expectedVersion` (0 = absent). */
  compareAndSet(
    key: string,
    expectedVersion: number,
    value: StoredToken,
  ): Promise<CompareAndSetResult<StoredToken>>;
  delete(key: string): Promise<void>;
  /** Drops every key (revoke-all drill). */
  clear(): Promise<void>;
  /**
   * After a store loss (an empty restart, a failover to a replica that missed writes): writes
   * `value` at `version` unless the store holds that version or a newer one. Stores that
   * cannot lose what they acknowledged (memory) need not have it.
   */
  restore?(key: string, version: number, value: StoredToken): Promise<boolean>;
}
