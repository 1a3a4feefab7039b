/** The broker's events about one token source: ids and names only, never the account object. */
import type { TokenStoredEvent, TokenUseEvent } from '../events/types.ts';
import type { TokenSource } from './token-slot.ts';

export const useEvent = (type: TokenUseEvent['type'], source: TokenSource): TokenUseEvent => ({
  type,
  carrier: source.account.carrier,
  account: source.account.id,
  name: source.name,
});

export const storedEvent = (source: TokenSource, expiresAt: number): TokenStoredEvent => ({
  type: 'token.stored',
  carrier: source.account.carrier,
  account: source.account.id,
  name: source.name,
  expiresAt,
});
