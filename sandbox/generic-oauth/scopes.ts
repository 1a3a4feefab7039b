/** Scope checks: an account with settings.allowedScopes may only ask for those. */
import type { SimAccount } from '../kit/types.ts';

export const splitScope = (scope: string | undefined): string[] => (scope ?? '').split(' ').filter(Boolean);

/** True when every requested scope is allowed (no allowedScopes setting = anything goes). */
export function scopeAllowed(account: SimAccount, requested: string | undefined): boolean {
  const allowed = account.settings?.allowedScopes;
  if (allowed === undefined) return true;
  const set = new Set(splitScope(allowed));
  return splitScope(requested).every((s) => set.has(s));
}

/** What is granted when the client asks for nothing: its default scope, or nothing. */
export const grantedScope = (account: SimAccount, requested: string | undefined): string =>
  requested !== undefined && requested !== '' ? requested : (account.settings?.defaultScope ?? '');
