/**
 * DHL Parcel DE (Post & Parcel Germany, Shipping API v2) profile. Facts from the official
 * spec 2.1.13 (https://developer.dhl.com/api-reference/parcel-de-shipping-post-parcel-germany-v2)
 * and its ROPC auth spec (kruegge82/dhl-authentication-oauth-api); recorded answers:
 * netresearch/dhl-sdk-api-parcel-de@c37e814.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment, ServiceDefinition } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';
import { decodeTokenError } from './mapping/token-errors.ts';

export const CARRIER_ID = 'dhl-parcel-de';

/**
 * 'default' serves the token endpoint and the shipping API (paths below are absolute on it);
 * 'tracking' is the DHL Shipment Tracking (Unified) API, which has its own test host.
 */
export const HOSTS: Record<string, Record<Environment, string>> = {
  default: { sandbox: 'https://api-sandbox.dhl.com', production: 'https://api-eu.dhl.com' },
  tracking: { sandbox: 'https://api-test.dhl.com', production: 'https://api-eu.dhl.com' },
};

export const TOKEN_PATH = '/parcel/de/account/auth/ropc/v1/token';
export const SHIPPING_BASE = '/parcel/de/shipping/v2';
export const ORDERS_PATH = `${SHIPPING_BASE}/orders`;
export const TRACKING_PATH = '/track/shipments';
/** Parcel DE Returns API 1.1.0 (pp-parcel-returns.yaml): a DHL Retoure label on demand. */
export const RETURNS_PATH = '/parcel/de/shipping/returns/v1/orders';

/** Opaque tokens of 1,799 seconds; no refresh token (ROPC), so a new grant each time. */
export const TOKEN_LIFETIME_SECONDS = 1799;

/**
 * Resource-owner password grant: client_id is the developer-portal API key, client_secret
 * its secret, username/password the business-customer-portal (GKP) user; all in a form body.
 */
export const AUTH: CarrierAuthProfile = {
  methods: {
    password: { kind: 'password', tokenPath: TOKEN_PATH, clientAuth: 'form', decodeError: decodeTokenError },
  },
  default: 'password',
  credentialFields: { password: ['clientId', 'clientSecret', 'username', 'password'] },
};

/**
 * DHL Retoure: a return label a customer in another EU country uses to send a parcel back to
 * Germany. Not a product code of the shipping API: the Returns API takes a receiver id
 * instead. Last in SERVICES so that a plain 'standard' request from Germany never picks it.
 */
export const RETOURE: ServiceDefinition = {
  code: 'RETOURE',
  name: 'DHL Retoure',
  level: 'standard',
  scope: 'international',
};

/**
 * Products (spec `Product`). The two digits after the 10-digit EKP in a billing number are
 * the product's procedure (V01PAK -> 01). Warenpost (V62WP) was replaced by Kleinpaket on
 * 2025-01-01 and is left out.
 */
export const SERVICES: readonly ServiceDefinition[] = [
  { code: 'V01PAK', name: 'DHL Paket', level: 'standard', scope: 'domestic', transitDays: 1 },
  { code: 'V62KP', name: 'DHL Kleinpaket', level: 'economy', scope: 'domestic', transitDays: 2 },
  {
    code: 'V53WPAK',
    name: 'DHL Paket International',
    level: 'standard',
    scope: 'international',
    transitDays: 4,
  },
  { code: 'V54EPAK', name: 'DHL Europaket', level: 'standard', scope: 'international', transitDays: 3 },
  {
    code: 'V66WPI',
    name: 'Warenpost International',
    level: 'economy',
    scope: 'international',
    transitDays: 6,
  },
  RETOURE,
];

export const PROCEDURE: Readonly<Record<string, string>> = {
  V01PAK: '01',
  V62KP: '62',
  V53WPAK: '53',
  V54EPAK: '54',
  V66WPI: '66',
};

/** docFormat query values: PDF and ZPL2. */
export const LABEL_FORMATS: readonly LabelFormat[] = ['PDF', 'ZPL'];

/** No quota is published; 1,799-second tokens need about two grants an hour. */
export const LIMITS: CarrierLimits = { tokenCallsPerHour: 60, requestsPerSecond: 10 };

/**
 * ekp: the 10-digit customer number (EKP). Optional: participation (2 characters, default
 * '01'), billingNumber.<product> (a full 14-character override), profile (user group,
 * default STANDARD_GRUPPENPROFIL).
 */
export const REQUIRED_SETTINGS = ['ekp'] as const;
export const DEFAULT_PROFILE = 'STANDARD_GRUPPENPROFIL';

export function billingNumber(settings: Readonly<Record<string, string>>, product: string): string {
  const override = settings[`billingNumber.${product}`];
  if (override) return override;
  return `${settings.ekp ?? ''}${PROCEDURE[product] ?? '01'}${settings.participation ?? '01'}`;
}
