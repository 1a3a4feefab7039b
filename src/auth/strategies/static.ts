/**
 * Strategies with nothing to fetch: a static API key header, HTTP Basic, or credentials the
 * carrier mapping puts in the body itself (no headers at all).
 */
import type { ResolvedAccount } from '../../config/account.ts';
import type { ApiKeyAuth, BasicAuth, BodyCredentialsAuth } from '../profile.ts';
import { secretOf } from './oauth-token.ts';

export type StaticAuth = ApiKeyAuth | BasicAuth | BodyCredentialsAuth;

/** Headers to attach, plus the values that identify them (for the fingerprint). */
export function staticHeaders(method: StaticAuth, account: ResolvedAccount): Record<string, string> {
  switch (method.kind) {
    case 'api_key':
      return { [method.header]: secretOf(account, method.field ?? 'apiKey') };
    case 'basic': {
      const user = secretOf(account, method.usernameField ?? 'username');
      const password = secretOf(account, method.passwordField ?? 'password');
      let binary = '';
      for (const b of new TextEncoder().encode(`${user}:${password}`)) binary += String.fromCharCode(b);
      return { Authorization: `Basic ${btoa(binary)}` };
    }
    case 'body_credentials':
      return {};
  }
}
