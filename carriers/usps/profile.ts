/**
 * USPS (APIs v3) profile: hosts, auth, mail classes and their unified levels, label formats,
 * limits. Facts: USPS/api-examples@d050a64:README.md and the official v3 specs as kept at
 * karrioapi/karrio@deea10f85:modules/connectors/usps/vendor (domestic-prices.yaml,
 * domestic-labels.yaml, shipping-options, payments) and usps_international/vendor.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment, ServiceDefinition } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';
import { paymentToken } from './auth/payment-token.ts';
import { decodeTokenError } from './auth/token-errors.ts';

export const USPS_ID = 'usps';

/** One host serves OAuth, prices, labels, payments and tracking; TEM is the test environment. */
export const USPS_HOSTS: Record<string, Record<Environment, string>> = {
  default: { sandbox: 'https://apis-tem.usps.com', production: 'https://apis.usps.com' },
};

export const TOKEN_PATH = '/oauth2/v3/token';
export const AUTHORIZE_PATH = '/oauth2/v3/authorize';
export const REVOKE_PATH = '/oauth2/v3/revoke';

/**
 * The API products the gateway calls; a token without `tracking` gets 401 there
 * (USPS/api-examples#56). `shipments` is Shipping Options, `international-labels` the
 * international label API (their specs' OAuth scopes).
 */
export const USPS_SCOPE =
  'prices international-prices shipments labels international-labels payments tracking';

export const uspsAuth: CarrierAuthProfile = {
  methods: {
    // Client id and secret in a JSON body (USPS api-examples README); 8-hour tokens.
    client_credentials: {
      kind: 'client_credentials',
      tokenPath: TOKEN_PATH,
      clientAuth: 'json',
      scope: USPS_SCOPE,
      decodeError: decodeTokenError,
      revokePath: REVOKE_PATH,
    },
    // Authorization code + PKCE; each refresh_token grant answers a new refresh token.
    authorization_code: {
      kind: 'authorization_code',
      tokenPath: TOKEN_PATH,
      authorizeUrlPath: AUTHORIZE_PATH,
      clientAuth: 'json',
      scope: USPS_SCOPE,
      rotatesRefreshToken: true,
      decodeError: decodeTokenError,
      revokePath: REVOKE_PATH,
    },
  },
  default: 'client_credentials',
  credentialFields: {
    client_credentials: ['clientId', 'clientSecret'],
    authorization_code: ['clientId', 'clientSecret'],
  },
  derived: [paymentToken],
};

/** USPS Connect Local (usps_prices.yaml MailClass, rate indicators LC, LF, LL, LO, LS). */
export const CONNECT_LOCAL = 'USPS_CONNECT_LOCAL';

/** Mail classes the gateway quotes and ships, with their unified levels. */
export const USPS_SERVICES: readonly ServiceDefinition[] = [
  // Overnight to most locations, 1-2 days guaranteed.
  {
    code: 'PRIORITY_MAIL_EXPRESS',
    name: 'Priority Mail Express',
    level: 'overnight',
    scope: 'domestic',
    transitDays: 1,
  },
  { code: 'PRIORITY_MAIL', name: 'Priority Mail', level: 'express', scope: 'domestic', transitDays: 2 },
  {
    code: 'USPS_GROUND_ADVANTAGE',
    name: 'USPS Ground Advantage',
    level: 'ground',
    scope: 'domestic',
    transitDays: 4,
  },
  // Destination entry: dropped at the facility of `parcelSelectEntryFacility` (mail-classes.ts).
  { code: 'PARCEL_SELECT', name: 'Parcel Select', level: 'economy', scope: 'domestic', transitDays: 3 },
  // Same-day or next-day local delivery, entered at the destination delivery unit; quoted only
  // for accounts enrolled in it (setting `connectLocal`, mail-classes.ts).
  {
    code: CONNECT_LOCAL,
    name: 'USPS Connect Local',
    level: 'overnight',
    scope: 'domestic',
    transitDays: 1,
  },
  {
    code: 'PRIORITY_MAIL_EXPRESS_INTERNATIONAL',
    name: 'Priority Mail Express International',
    level: 'express',
    scope: 'international',
    transitDays: 4,
  },
  {
    code: 'PRIORITY_MAIL_INTERNATIONAL',
    name: 'Priority Mail International',
    level: 'standard',
    scope: 'international',
    transitDays: 8,
  },
  {
    code: 'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE',
    name: 'First-Class Package International Service',
    level: 'economy',
    scope: 'international',
    transitDays: 12,
  },
];

/** Unified label format -> `imageInfo.imageType` (usps_labels.yaml ImageInfo). */
export const IMAGE_TYPES: Record<LabelFormat, string> = {
  PDF: 'PDF',
  ZPL: 'ZPL203DPI',
  PNG: 'PNG',
  GIF: 'GIF',
};
export const USPS_LABEL_FORMATS: readonly LabelFormat[] = ['PDF', 'ZPL', 'PNG', 'GIF'];

/** Default API product quota: 60 calls an hour, token calls included (developers.usps.com). */
export const USPS_LIMITS: CarrierLimits = { tokenCallsPerHour: 60 };

/**
 * Non-secret settings: CRID, MID and the EPS account (or permit) number feed the payment
 * authorization token; accountNumber also asks the prices API for contract rates.
 * Optional: manifestMid (default mid), accountType (EPS default, or PERMIT with permitZip),
 * labelResponse ('json' default: Accept application/vnd.usps.labels+json; 'multipart': the
 * API's default multipart/form-data answer), rateApi ('shipping-options' default,
 * 'total-rates' or 'base-rates': rates.ts), parcelSelectEntryFacility (default
 * DESTINATION_SECTIONAL_CENTER_FACILITY), connectLocal ('true' when the account is enrolled in
 * USPS Connect Local: its parcels are then quoted in that class too).
 */
export const USPS_REQUIRED_SETTINGS = ['crid', 'mid', 'accountNumber'] as const;

/** The United States and the territories USPS serves as domestic mail. */
export const US_DOMESTIC = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'FM', 'MH', 'PW']);

export const isDomestic = (from: string, to: string): boolean => US_DOMESTIC.has(from) && US_DOMESTIC.has(to);
