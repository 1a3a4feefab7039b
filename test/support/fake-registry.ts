/**
 * A small carrier registry for configuration tests: two fake carriers whose profiles
 * declare credential fields and required settings. Tests only; never imported by src/.
 */
import type { CarrierDefinition } from '../../src/carrier/definition.ts';

const notUsed = async (): Promise<never> => {
  throw new Error('fake registry carriers are for configuration tests only');
};

function fakeCarrier(
  overrides: Partial<CarrierDefinition> & Pick<CarrierDefinition, 'id' | 'auth'>,
): CarrierDefinition {
  return {
    displayName: overrides.id.toUpperCase(),
    hosts: {
      default: {
        sandbox: `https://sandbox.${overrides.id}.example`,
        production: `https://api.${overrides.id}.example`,
      },
    },
    requiredSettings: [],
    services: [{ code: 'STD', name: 'Standard', level: 'standard', scope: 'both' }],
    labelFormats: ['PDF'],
    limits: {},
    rateSource: 'live',
    servesRoute: () => true,
    rate: notUsed,
    createLabel: notUsed,
    track: notUsed,
    decodeError: () => ({ failureClass: 'unavailable', code: 'X', message: 'x' }),
    ...overrides,
  };
}

/** OAuth client credentials (default) or authorization code; needs an account number. */
export const acmeCarrier = fakeCarrier({
  id: 'acme',
  hosts: {
    default: { sandbox: 'https://sandbox.acme.example', production: 'https://api.acme.example' },
    auth: { sandbox: 'https://auth-sandbox.acme.example', production: 'https://auth.acme.example' },
  },
  auth: {
    default: 'client_credentials',
    methods: {
      client_credentials: {
        kind: 'client_credentials',
        tokenPath: '/oauth/token',
        host: 'auth',
        clientAuth: 'basic',
      },
      authorization_code: {
        kind: 'authorization_code',
        tokenPath: '/oauth/token',
        host: 'auth',
        clientAuth: 'basic',
        authorizeUrlPath: '/oauth/authorize',
        rotatesRefreshToken: true,
      },
    },
    credentialFields: {
      client_credentials: ['clientId', 'clientSecret'],
      authorization_code: ['clientId', 'clientSecret'],
    },
  },
  requiredSettings: ['accountNumber'],
  limits: { tokenCallsPerHour: 60 },
});

/** A static API key carrier with no required settings. */
export const boltCarrier = fakeCarrier({
  id: 'bolt',
  auth: {
    default: 'api_key',
    methods: { api_key: { kind: 'api_key', header: 'X-Api-Key' } },
    credentialFields: { api_key: ['apiKey'] },
  },
});

export const fakeRegistry: readonly CarrierDefinition[] = [acmeCarrier, boltCarrier];
