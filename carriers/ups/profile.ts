/**
 * UPS profile: hosts, OAuth (client credentials by default, authorization code with rotating
 * refresh tokens), label formats and limits; services by origin are in services.ts.
 * Sources: UPS-API/api-documentation@e6f36df:OAuthClientCredentials.yaml, OAuthAuthCode.yaml,
 * Rating.yaml, Shipping.yaml.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';
import { decodeTokenError } from './mapping/errors.ts';

export const UPS_ID = 'ups';

/** CIE is UPS's sandbox ("Customer Integration Environment"); one host serves auth and APIs. */
export const UPS_HOSTS: Record<string, Record<Environment, string>> = {
  default: { sandbox: 'https://wwwcie.ups.com', production: 'https://onlinetools.ups.com' },
};

/** Current API version of Rating and Shipping (v2409; the older ones are deprecated). */
export const UPS_API_VERSION = 'v2409';

export const UPS_PATHS = {
  token: '/security/v1/oauth/token',
  refresh: '/security/v1/oauth/refresh',
  authorize: '/security/v1/oauth/authorize',
  rate: (requestOption: 'Rate' | 'Shop') => `/api/rating/${UPS_API_VERSION}/${requestOption}`,
  ship: `/api/shipments/${UPS_API_VERSION}/ship`,
  track: (inquiryNumber: string) => `/api/track/v1/details/${encodeURIComponent(inquiryNumber)}`,
} as const;

export const upsAuth: CarrierAuthProfile = {
  methods: {
    // HTTP Basic base64(client_id:client_secret), form body grant_type=client_credentials.
    client_credentials: {
      kind: 'client_credentials',
      tokenPath: UPS_PATHS.token,
      clientAuth: 'basic',
      decodeError: decodeTokenError,
    },
    // A refresh at /security/v1/oauth/refresh returns a NEW refresh token; the old one is spent.
    authorization_code: {
      kind: 'authorization_code',
      tokenPath: UPS_PATHS.token,
      authorizeUrlPath: UPS_PATHS.authorize,
      refreshPath: UPS_PATHS.refresh,
      rotatesRefreshToken: true,
      clientAuth: 'basic',
      decodeError: decodeTokenError,
    },
  },
  default: 'client_credentials',
  credentialFields: {
    client_credentials: ['clientId', 'clientSecret'],
    // The refresh call is authenticated with Basic too, so the secret is needed as well.
    authorization_code: ['clientId', 'clientSecret', 'refreshToken'],
  },
};

/**
 * Unified formats UPS /ship produces. GIF and ZPL are the documented ones; PNG is listed in
 * ShippingLabel_ImageFormat and used by a spec example. PDF is NOT offered on /ship (only on
 * label recovery), so it is absent here. EPL and SPL exist but are not unified formats.
 */
export const UPS_LABEL_FORMATS: readonly LabelFormat[] = ['GIF', 'ZPL', 'PNG'];

/**
 * UPS publishes no limits: it answers 429 (code 10429) and asks customers to request more
 * (UPS-API/api-documentation#8). These are the gateway's own conservative ceilings.
 */
export const UPS_LIMITS: CarrierLimits = { tokenCallsPerHour: 250, requestsPerSecond: 10 };

/** The shipper number (6-character UPS account number) goes into every rate and ship body. */
export const UPS_REQUIRED_SETTINGS = ['accountNumber'] as const;

export {
  IMPERIAL_ORIGINS,
  isDomestic,
  serviceByCode,
  servicesForRoute,
  UPS_SERVICES,
  upsRegion,
} from './services.ts';
