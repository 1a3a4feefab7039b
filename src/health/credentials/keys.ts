/** Where an account's tokens live in the store: the same keys the broker computes. */
import { cacheKey, keyPartsOf } from '../../auth/cache-key.ts';
import { resolveMethod, scopeOf } from '../../auth/method.ts';
import type { AuthMethod, CarrierAuthProfile } from '../../auth/profile.ts';
import type { StoredToken, TokenStore } from '../../auth/types.ts';
import type { ResolvedAccount } from '../../config/account.ts';

export interface CredentialSlot {
  /** 'primary' or a derived token's name. */
  name: string;
  key: string;
}

/** The token method of an account, or undefined for static credentials (or an unknown method). */
export function tokenMethodOf(profile: CarrierAuthProfile, account: ResolvedAccount): AuthMethod | undefined {
  try {
    const resolved = resolveMethod(profile, account);
    return resolved.type === 'token' ? resolved.method : undefined;
  } catch {
    return undefined;
  }
}

export async function credentialSlots(
  profile: CarrierAuthProfile,
  account: ResolvedAccount,
): Promise<CredentialSlot[]> {
  const method = tokenMethodOf(profile, account);
  if (method === undefined) return [];
  const scope = scopeOf(method, account);
  const names = ['primary', ...(profile.derived ?? []).map((d) => d.name)];
  return Promise.all(
    names.map(async (name) => ({ name, key: await cacheKey(keyPartsOf(account, name, scope)) })),
  );
}

/** The stored token of each slot (a store failure reads as "unknown", never throws). */
export async function storedTokens(
  store: TokenStore,
  slots: readonly CredentialSlot[],
): Promise<{ slot: CredentialSlot; token?: StoredToken | undefined; unreadable?: boolean }[]> {
  return Promise.all(
    slots.map(async (slot) => {
      try {
        return { slot, token: (await store.get(slot.key))?.value };
      } catch {
        return { slot, unreadable: true };
      }
    }),
  );
}

/** A stored entry still holds a usable access token (a dropped one keeps only its refresh token). */
export const holdsAccessToken = (t: StoredToken | undefined, now: number): boolean =>
  t !== undefined && t.accessToken !== '' && t.expiresAt > now;
