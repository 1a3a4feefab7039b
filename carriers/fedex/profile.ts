/**
 * FedEx profile: hosts, auth, limits, settings and label formats
 * (https://developer.fedex.com/api/en-us/catalog/authorization/docs.html, /guides/ratelimits.html).
 * Services are in services.ts.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';
import { decodeTokenError } from './mapping/errors.ts';

export const FEDEX_ID = 'fedex';

/** One host serves OAuth, Rate, Ship and Track (spec `servers`). */
export const FEDEX_HOSTS: Record<string, Record<Environment, string>> = {
  default: { sandbox: 'https://apis-sandbox.fedex.com', production: 'https://apis.fedex.com' },
};

export const FEDEX_TOKEN_PATH = '/oauth/token';

/**
 * OAuth2 client_credentials, form-encoded with client_id and client_secret in the BODY (no
 * Basic). No scope is sent; FedEx answers scope "CXS" and expires_in 3599 as a number. No
 * refresh tokens. Token errors come in FedEx's own `errors[]` shape.
 */
export const FEDEX_AUTH: CarrierAuthProfile = {
  methods: {
    client_credentials: {
      kind: 'client_credentials',
      tokenPath: FEDEX_TOKEN_PATH,
      clientAuth: 'form',
      decodeError: decodeTokenError,
    },
  },
  default: 'client_credentials',
  credentialFields: { client_credentials: ['clientId', 'clientSecret'] },
};

/** Non-secret settings every FedEx account needs: the 9-digit shipping account. */
export const FEDEX_REQUIRED_SETTINGS = ['accountNumber'] as const;

/** Ship API imageType PDF, PNG and ZPLII (EPL2 has no unified format). */
export const FEDEX_LABEL_FORMATS: readonly LabelFormat[] = ['PDF', 'ZPL', 'PNG'];

/** 1,400 transactions per 10 s per project (FedEx rate-limit guide), plus a daily quota. */
export const FEDEX_LIMITS: CarrierLimits = { requestsPerSecond: 140 };

/** Countries with FedEx domestic service in this profile (US domestic, and intra-Canada). */
export const DOMESTIC_COUNTRIES: ReadonlySet<string> = new Set(['US', 'CA']);

/** Destinations FedEx does not serve (US embargoes). */
export const EMBARGOED: ReadonlySet<string> = new Set(['CU', 'IR', 'KP', 'SY']);
