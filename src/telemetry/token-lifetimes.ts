/**
 * How long each cached token served before the next replaced it, against the longest
 * lifetime the carrier ever declared for it: a token replaced before half of that died
 * early (or the gateway refreshes too often). An operator's drop starts a new chain.
 */

/** A token replaced before this share of its expected lifetime counts as early. */
export const EARLY_LIFETIME_RATIO = 0.5;

export interface Replacement {
  carrier: string;
  account: string;
  early: boolean;
}

export interface LifetimeTracker {
  /** A token was stored; returns the replacement it made, if it replaced one. */
  stored(
    carrier: string,
    account: string,
    name: string,
    expiresAt: number,
    at: number,
  ): Replacement | undefined;
  /** Forgets the chains of an account, a carrier, or every account (undefined). */
  dropped(carrier?: string, account?: string): void;
}

const keyOf = (carrier: string, account: string, name: string) => `${carrier}\u0000${account}\u0000${name}`;

export function createLifetimeTracker(): LifetimeTracker {
  const lastStoredAt = new Map<string, number>();
  const longest = new Map<string, number>();
  return {
    stored(carrier, account, name, expiresAt, at) {
      const key = keyOf(carrier, account, name);
      const expected = Math.max(longest.get(key) ?? 0, expiresAt - at);
      longest.set(key, expected);
      const previous = lastStoredAt.get(key);
      lastStoredAt.set(key, at);
      if (previous === undefined || expected <= 0) return undefined;
      return { carrier, account, early: at - previous < EARLY_LIFETIME_RATIO * expected };
    },
    dropped(carrier, account) {
      const prefix =
        carrier === undefined
          ? ''
          : account === undefined
            ? `${carrier}\u0000`
            : `${carrier}\u0000${account}\u0000`;
      for (const key of [...lastStoredAt.keys()]) if (key.startsWith(prefix)) lastStoredAt.delete(key);
    },
  };
}
