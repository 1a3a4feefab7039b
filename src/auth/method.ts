/** Which of the profile's auth methods an account uses, and the strategy that implements it. */
import type { ResolvedAccount } from '../config/account.ts';
import { misconfigured } from './auth-error.ts';
import type { AuthMethod, CarrierAuthProfile, DerivedTokenSpec } from './profile.ts';
import { authorizationCodeStrategy } from './strategies/authorization-code.ts';
import { clientCredentialsStrategy } from './strategies/client-credentials.ts';
import { passwordStrategy } from './strategies/password.ts';
import type { StaticAuth } from './strategies/static.ts';
import type { TokenStrategy } from './strategies/strategy.ts';

export type ResolvedMethod =
  | { type: 'token'; strategy: TokenStrategy; method: AuthMethod }
  | { type: 'static'; method: StaticAuth };

/** One resolution per profile method: strategies hold nothing per account (tenant scale). */
const resolutions = new WeakMap<AuthMethod, ResolvedMethod>();

export function resolveMethod(profile: CarrierAuthProfile, account: ResolvedAccount): ResolvedMethod {
  const kind = account.authMethod ?? profile.default;
  const method = profile.methods[kind];
  if (method === undefined) {
    throw misconfigured(account, 'primary', `auth method '${kind}' is not offered by this carrier`);
  }
  let resolved = resolutions.get(method);
  if (resolved === undefined) {
    resolved = resolutionOf(method);
    resolutions.set(method, resolved);
  }
  return resolved;
}

function resolutionOf(method: AuthMethod): ResolvedMethod {
  switch (method.kind) {
    case 'client_credentials':
      return { type: 'token', strategy: clientCredentialsStrategy(method), method };
    case 'password':
      return { type: 'token', strategy: passwordStrategy(method), method };
    case 'authorization_code':
      return { type: 'token', strategy: authorizationCodeStrategy(method), method };
    default:
      return { type: 'static', method };
  }
}

export function derivedSpec(
  profile: CarrierAuthProfile,
  account: ResolvedAccount,
  name: string,
): DerivedTokenSpec {
  const spec = profile.derived?.find((d) => d.name === name);
  if (spec === undefined) throw misconfigured(account, name, `no derived credential named '${name}'`);
  return spec;
}

/** The scope that is part of the cache key: an account override, else the method's. */
export function scopeOf(method: AuthMethod, account: ResolvedAccount): string | undefined {
  if (
    method.kind === 'client_credentials' ||
    method.kind === 'password' ||
    method.kind === 'authorization_code'
  ) {
    return account.settings.scope ?? method.scope;
  }
  return undefined;
}
