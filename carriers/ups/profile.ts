/**
 * UPS profile: hosts, OAuth (client credentials by default, authorization code with rotating
 * refresh tokens), services and their unified levels, label formats and limits.
 * Sources: UPS-API/api-documentation@e6f36df:Rating.yaml, Shipping.yaml, OAuthClientCredentials.yaml, OAuthAuthCode.yaml.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment, ServiceDefinition } from '../../src/carrier/definition.ts';
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

/** Service codes (Shipment_Service in ups_rating.yaml) and their unified levels. */
export const UPS_SERVICES: readonly ServiceDefinition[] = [
  { code: '14', name: 'UPS Next Day Air Early', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: '01', name: 'UPS Next Day Air', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: '13', name: 'UPS Next Day Air Saver', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: '59', name: 'UPS 2nd Day Air A.M.', level: 'express', scope: 'domestic', transitDays: 2 },
  { code: '02', name: 'UPS 2nd Day Air', level: 'express', scope: 'domestic', transitDays: 2 },
  { code: '12', name: 'UPS 3 Day Select', level: 'standard', scope: 'domestic', transitDays: 3 },
  { code: '03', name: 'UPS Ground', level: 'ground', scope: 'domestic', transitDays: 5 },
  {
    code: '54',
    name: 'UPS Worldwide Express Plus',
    level: 'express',
    scope: 'international',
    transitDays: 1,
  },
  { code: '07', name: 'UPS Worldwide Express', level: 'express', scope: 'international', transitDays: 2 },
  { code: '65', name: 'UPS Worldwide Saver', level: 'express', scope: 'international', transitDays: 3 },
  { code: '08', name: 'UPS Worldwide Expedited', level: 'standard', scope: 'international', transitDays: 5 },
  { code: '11', name: 'UPS Standard', level: 'economy', scope: 'international', transitDays: 7 },
];

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

/**
 * Countries where UPS answers in pounds/inches; elsewhere kilograms/centimetres are used.
 * UPS requires the unit system of the origin country.
 */
export const IMPERIAL_ORIGINS: ReadonlySet<string> = new Set(['US', 'PR']);

export function serviceByCode(code: string): ServiceDefinition | undefined {
  return UPS_SERVICES.find((s) => s.code === code);
}

/** Domestic when both ends are in the same country (US and PR are one UPS domestic network). */
export function isDomestic(from: string, to: string): boolean {
  return from === to || (IMPERIAL_ORIGINS.has(from) && IMPERIAL_ORIGINS.has(to));
}
