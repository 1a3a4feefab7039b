/**
 * Colissimo / La Poste profile: one carrier, two hosts and two credentials.
 * - 'default': Colissimo SLS web services (labels). Same host for test and production: tests
 *   use real contract credentials (akretion/roulier@8489f51 (branch colissimo_fr): roulier/carriers/colissimo_fr/carrier.py `__url__`).
 * - 'tracking': La Poste Okapi gateway, Suivi v2 (api-evangelist/la-poste-groupe:openapi/_original/la-poste-groupe-suivi-openapi.json). Okapi has no separate
 *   sandbox host; the spec ships a shared low-quota key for tests instead.
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';

export const CARRIER_ID = 'colissimo';
export const DISPLAY_NAME = 'La Poste Colissimo';

export const HOSTS: Record<string, Record<Environment, string>> = {
  default: { sandbox: 'https://ws.colissimo.fr', production: 'https://ws.colissimo.fr' },
  tracking: { sandbox: 'https://api.laposte.fr', production: 'https://api.laposte.fr' },
};

export const PATHS = {
  generateLabel: '/sls-ws/SlsServiceWSRest/2.0/generateLabel',
  /** Same body as generateLabel; validates without creating a label (used by probes). */
  checkGenerateLabel: '/sls-ws/SlsServiceWSRest/2.0/checkGenerateLabel',
  /** + one to ten comma-separated ids. */
  suivi: '/suivi/v2/idships/',
} as const;

/**
 * Labels authenticate either with contractNumber + password inside the JSON body
 * (body_credentials: the mapping places them with ctx.secret) or with an `apiKey` header
 * (api_key: the gateway attaches it). Either way tracking needs the Okapi key as well, a
 * second credential for the second host, so `okapiKey` is a field of both methods.
 */
export const AUTH: CarrierAuthProfile = {
  methods: {
    body_credentials: { kind: 'body_credentials' },
    api_key: { kind: 'api_key', header: 'apiKey', field: 'apiKey' },
  },
  default: 'body_credentials',
  credentialFields: {
    body_credentials: ['contractNumber', 'password', 'okapiKey'],
    api_key: ['apiKey', 'okapiKey'],
  },
};

export const LABEL_FORMATS: readonly LabelFormat[] = ['PDF', 'ZPL'];

/** outputPrintingType per unified format (10x15 cm thermal label, karrio LabelType). */
export const OUTPUT_PRINTING_TYPE: Readonly<Record<string, string>> = {
  PDF: 'PDF_10x15_300dpi',
  ZPL: 'ZPL_10x15_203dpi',
};

export const MEDIA_TYPE: Readonly<Record<string, string>> = {
  PDF: 'application/pdf',
  ZPL: 'application/x-zpl',
};

/** No token endpoint. Okapi's quota message for the key seen: "max quota reached (100 calls per 1s)". */
export const LIMITS: CarrierLimits = { requestsPerSecond: 100 };

/** Everything Colissimo needs is a credential; no non-secret settings are required. */
export const REQUIRED_SETTINGS: readonly string[] = [];

/** Suivi v2 accepts one to ten ids per call. */
export const MAX_IDS_PER_TRACKING_CALL = 10;
