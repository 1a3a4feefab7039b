/**
 * Authorization code with PKCE: the connect flow exchanges the code once; afterwards every
 * token comes from the (possibly rotating) refresh token held in the store.
 */
import type { ResolvedAccount } from '../../config/account.ts';
import type { AuthorizationCodeAuth } from '../profile.ts';
import { requestOAuthToken, type TokenOutcome } from './oauth-token.ts';
import type { TokenStrategy } from './strategy.ts';
import type { TokenHttp } from './token-http.ts';

export function authorizationCodeStrategy(method: AuthorizationCodeAuth): TokenStrategy {
  return {
    kind: 'authorization_code',
    grant: 'refresh_token',
    obtain(http, account, current): Promise<TokenOutcome> {
      // The store is the source of truth; a configured refresh token only seeds an empty store.
      // Once anything was stored (a tombstone that dropped the authorization included), the seed
      // may have been spent: presenting it again would make the carrier revoke the whole family.
      const refreshToken = current !== undefined ? current.refreshToken : account.secrets.refreshToken;
      if (refreshToken === undefined || refreshToken === '') {
        return Promise.resolve({
          ok: false,
          failure: {
            failureClass: 'revoked',
            code: 'no_refresh_token',
            reason: 'no refresh token: the account must be connected (authorization required)',
          },
        });
      }
      return requestOAuthToken(http, {
        account,
        path: method.refreshPath ?? method.tokenPath,
        host: method.host,
        clientAuth: method.clientAuth,
        params: { grant_type: 'refresh_token', refresh_token: refreshToken, ...method.extraParams },
        decodeError: method.decodeError,
        previous: current?.refreshToken === undefined ? { ...emptyToken, refreshToken } : current,
      });
    },
  };
}

const emptyToken = { accessToken: '', tokenType: 'Bearer', obtainedAt: 0, expiresAt: 0 };

/** Exchanges an authorization code and its PKCE verifier for the first token set. */
export function exchangeAuthorizationCode(
  http: TokenHttp,
  method: AuthorizationCodeAuth,
  account: ResolvedAccount,
  input: { code: string; codeVerifier: string; redirectUri: string },
): Promise<TokenOutcome> {
  return requestOAuthToken(http, {
    account,
    path: method.tokenPath,
    host: method.host,
    clientAuth: method.clientAuth,
    params: {
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.codeVerifier,
      redirect_uri: input.redirectUri,
      ...method.extraParams,
    },
    decodeError: method.decodeError,
  });
}
