/** Per-account token modes (strict rotation, lifetime override), set through the control API. */
import type { AccountMode, ModeBook } from './types.ts';

const DEFAULT_MODE: AccountMode = { strictRotation: false, rotateRefreshTokens: false };

export function createModeBook(): ModeBook {
  let carrierWide: Partial<AccountMode> = {};
  let perAccount = new Map<string, Partial<AccountMode>>();
  return {
    get(accountId) {
      return { ...DEFAULT_MODE, ...carrierWide, ...perAccount.get(accountId) };
    },
    set(accountId, patch) {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (accountId === undefined) carrierWide = { ...carrierWide, ...clean };
      else perAccount.set(accountId, { ...perAccount.get(accountId), ...clean });
    },
    reset() {
      carrierWide = {};
      perAccount = new Map();
    },
  };
}
