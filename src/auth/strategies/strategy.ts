/** What the broker needs from a token-issuing strategy. */
import type { ResolvedAccount } from '../../config/account.ts';
import type { StoredToken } from '../types.ts';
import type { TokenOutcome } from './oauth-token.ts';
import type { TokenHttp } from './token-http.ts';

export interface TokenStrategy {
  kind: 'client_credentials' | 'password' | 'authorization_code';
  /** The grant sent to the token endpoint ('refresh_token' for authorization code accounts). */
  grant: string;
  /** Gets a new token; `current` is what the store holds (its refresh token is used and kept). */
  obtain(http: TokenHttp, account: ResolvedAccount, current: StoredToken | undefined): Promise<TokenOutcome>;
}
