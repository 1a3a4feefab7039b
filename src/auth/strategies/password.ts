/** Resource-owner password grant: client credentials plus a user's name and password. */
import type { PasswordAuth } from '../profile.ts';
import { requestOAuthToken, secretOf } from './oauth-token.ts';
import type { TokenStrategy } from './strategy.ts';

export function passwordStrategy(method: PasswordAuth): TokenStrategy {
  return {
    kind: 'password',
    grant: 'password',
    obtain(http, account) {
      const scope = account.settings.scope ?? method.scope;
      return requestOAuthToken(http, {
        account,
        path: method.tokenPath,
        host: method.host,
        clientAuth: method.clientAuth,
        params: {
          grant_type: 'password',
          username: secretOf(account, 'username'),
          password: secretOf(account, 'password'),
          ...(scope !== undefined && scope !== '' ? { scope } : {}),
          ...method.extraParams,
        },
        decodeError: method.decodeError,
      });
    },
  };
}
