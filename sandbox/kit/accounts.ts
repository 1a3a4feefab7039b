/** The simulated accounts of one carrier, findable by any secret field. */
import type { AccountBook, SimAccount } from './types.ts';

export function createAccountBook(initial: SimAccount[] = []): AccountBook {
  const byId = new Map<string, SimAccount>();
  const book: AccountBook = {
    get: (id) => byId.get(id),
    byClientId: (clientId) => book.bySecret('clientId', clientId),
    bySecret(field, value) {
      for (const account of byId.values()) {
        if (account.secrets[field] === value) return account;
      }
      return undefined;
    },
    register(account) {
      // Copy so a caller mutating its object cannot change the simulator's view behind its back.
      byId.set(account.id, {
        id: account.id,
        secrets: { ...account.secrets },
        ...(account.settings ? { settings: { ...account.settings } } : {}),
      });
    },
    all: () => [...byId.values()],
  };
  for (const account of initial) book.register(account);
  return book;
}
