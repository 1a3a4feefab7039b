/**
 * A CarrierAuthProfile for the sandbox's standards-shaped 'generic-oauth' server: every
 * strategy the broker supports, pointed at its real paths.
 */
import type {
  AuthMethodKind,
  CarrierAuthProfile,
  ClientAuthMethod,
  TokenErrorDecoder,
} from '../../../src/auth/profile.ts';

export const PAYMENT_HEADER = 'X-Payment-Authorization-Token';

export interface GenericProfileOptions {
  clientAuth?: ClientAuthMethod;
  scope?: string;
  extraParams?: Record<string, string>;
  default?: AuthMethodKind;
  decodeError?: TokenErrorDecoder;
}

export function genericProfile(options: GenericProfileOptions = {}): CarrierAuthProfile {
  const clientAuth = options.clientAuth ?? 'basic';
  const common = {
    tokenPath: '/oauth/token',
    clientAuth,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.extraParams !== undefined ? { extraParams: options.extraParams } : {}),
    ...(options.decodeError !== undefined ? { decodeError: options.decodeError } : {}),
  };
  return {
    methods: {
      client_credentials: { kind: 'client_credentials', ...common },
      password: { kind: 'password', ...common },
      authorization_code: {
        kind: 'authorization_code',
        ...common,
        authorizeUrlPath: '/oauth/authorize',
        rotatesRefreshToken: true,
      },
      api_key: { kind: 'api_key', header: 'X-Api-Key' },
      basic: { kind: 'basic' },
      body_credentials: { kind: 'body_credentials' },
    },
    default: options.default ?? 'client_credentials',
    credentialFields: {
      client_credentials: ['clientId', 'clientSecret'],
      password: ['clientId', 'clientSecret', 'username', 'password'],
      authorization_code: ['clientId', 'clientSecret'],
      api_key: ['apiKey'],
      basic: ['username', 'password'],
      body_credentials: ['contractNumber', 'password'],
    },
    derived: [
      {
        name: 'payment',
        buildRequest: ({ primaryToken }) => ({
          path: '/payments/authorize',
          method: 'POST',
          headers: { authorization: `Bearer ${primaryToken}`, 'content-type': 'application/json' },
          body: '{}',
        }),
        parse: (answer) => {
          const body = answer.json as { payment_token?: unknown; expires_in?: unknown } | undefined;
          if (typeof body?.payment_token !== 'string') return undefined;
          return {
            token: body.payment_token,
            ...(typeof body.expires_in === 'number' ? { expiresInSeconds: body.expires_in } : {}),
          };
        },
        header: PAYMENT_HEADER,
      },
    ],
  };
}
