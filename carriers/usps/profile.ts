/**
 * USPS (APIs v3) profile: hosts, auth, mail classes and their unified levels, label formats,
 * limits. Facts: USPS/api-examples@d050a64:README.md, karrioapi/karrio@e175470:modules/connectors/usps/vendor/domestic-prices.yaml,
 * karrioapi/karrio@e175470:modules/connectors/usps/vendor/domestic-labels.yaml.
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

/** The API products the gateway calls; a token without `tracking` gets 401 there (api-examples#56). */
export const USPS_SCOPE = 'prices international-prices labels payments tracking';

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
 * API's default multipart/form-data answer).
 */
export const USPS_REQUIRED_SETTINGS = ['crid', 'mid', 'accountNumber'] as const;

/** The United States and the territories USPS serves as domestic mail. */
export const US_DOMESTIC = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'FM', 'MH', 'PW']);

export const isDomestic = (from: string, to: string): boolean => US_DOMESTIC.has(from) && US_DOMESTIC.has(to);
