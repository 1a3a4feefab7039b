/** OAuth 2 client credentials: the client's own id and secret buy a token; nothing to refresh. */
import type { ClientCredentialsAuth } from '../profile.ts';
import { requestOAuthToken } from './oauth-token.ts';
import type { TokenStrategy } from './strategy.ts';

export function clientCredentialsStrategy(method: ClientCredentialsAuth): TokenStrategy {
  return {
    kind: 'client_credentials',
    grant: 'client_credentials',
    obtain(http, account) {
      const scope = account.settings.scope ?? method.scope;
      return requestOAuthToken(http, {
        account,
        path: method.tokenPath,
        host: method.host,
        clientAuth: method.clientAuth,
        params: {
          grant_type: 'client_credentials',
          ...(scope !== undefined && scope !== '' ? { scope } : {}),
          ...method.extraParams,
        },
        decodeError: method.decodeError,
      });
    },
  };
}
