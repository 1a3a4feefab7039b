/**
 * DHL Express (MyDHL API 3.x) profile: hosts, HTTP Basic auth, products and their unified
 * levels, label formats, limits. Facts from the official MyDHL API spec 3.1.1
 * (https://developer.dhl.com/api-reference/dhl-express-mydhl-api).
 */
import type { CarrierAuthProfile } from '../../src/auth/profile.ts';
import type { CarrierLimits, Environment, Route, ServiceDefinition } from '../../src/carrier/definition.ts';
import type { LabelFormat } from '../../src/domain/shipment.ts';

export const CARRIER_ID = 'dhl-express';

/** spec `servers`: the test host is the production host with a /test suffix. */
export const HOSTS: Record<string, Record<Environment, string>> = {
  default: {
    sandbox: 'https://express.api.dhl.com/mydhlapi/test',
    production: 'https://express.api.dhl.com/mydhlapi',
  },
};

/** spec `components.parameters.xVersionHeader`: required, "do not change this field value". */
export const X_VERSION = '3.1.0';

/** MyDHL has no token endpoint: HTTP Basic (API key : secret) on every call. */
export const AUTH: CarrierAuthProfile = {
  methods: { basic: { kind: 'basic', usernameField: 'username', passwordField: 'password' } },
  default: 'basic',
  credentialFields: { basic: ['username', 'password'] },
};

/**
 * Global product codes (spec reference-data examples and rate examples). Domestic express
 * is next business day (overnight); international time-definite products are 'express'
 * (1-3 days, time-definite); Economy Select is day-definite road (economy).
 */
export const SERVICES: readonly ServiceDefinition[] = [
  { code: 'P', name: 'EXPRESS WORLDWIDE NONDOC', level: 'express', scope: 'international', transitDays: 3 },
  { code: 'Y', name: 'EXPRESS 12:00 NONDOC', level: 'express', scope: 'international', transitDays: 2 },
  { code: 'E', name: 'EXPRESS 9:00 NONDOC', level: 'express', scope: 'international', transitDays: 2 },
  { code: 'U', name: 'EXPRESS WORLDWIDE EU', level: 'express', scope: 'international', transitDays: 2 },
  { code: 'D', name: 'EXPRESS WORLDWIDE DOC', level: 'express', scope: 'international', transitDays: 3 },
  { code: 'W', name: 'ECONOMY SELECT EU', level: 'economy', scope: 'international', transitDays: 5 },
  { code: 'H', name: 'ECONOMY SELECT NONDOC', level: 'economy', scope: 'international', transitDays: 6 },
  { code: 'N', name: 'EXPRESS DOMESTIC', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: '1', name: 'EXPRESS DOMESTIC 12:00', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: 'I', name: 'EXPRESS DOMESTIC 9:00', level: 'overnight', scope: 'domestic', transitDays: 1 },
  { code: 'G', name: 'ECONOMY SELECT DOMESTIC', level: 'economy', scope: 'domestic', transitDays: 2 },
];

/**
 * Countries where DHL Express sells a domestic (same-country) product. The MyDHL spec has no
 * such list, so it is deliberately conservative (2025), each entry with its reason:
 * - GB: the spec's domestic example (`domesticDocShipmentRequest`, Enfield -> Hounslow);
 * - DE: dhl.de's DHL Express surcharges page names the product DHL EXPRESS DOMESTIC;
 * - FR, ES, IT, NL: large European markets where DHL Express sells national express
 *   (assumption, not checked against a DHL country list).
 * Not the US: DHL Express left the US domestic market in 2009 and only ships into and out of
 * it. A country missing here only means DHL Express is not quoted for shipments within it.
 */
export const DOMESTIC_COUNTRIES: ReadonlySet<string> = new Set(['DE', 'GB', 'FR', 'ES', 'IT', 'NL']);

const ISO_ALPHA2 = /^[A-Z]{2}$/;

/** Every international route (a worldwide network); a domestic one only where DHL Express sells it. */
export function servesRoute(route: Route): boolean {
  if (!ISO_ALPHA2.test(route.from) || !ISO_ALPHA2.test(route.to)) return false;
  return route.from !== route.to || DOMESTIC_COUNTRIES.has(route.from);
}

export const serviceByCode = (code: string): ServiceDefinition | undefined =>
  SERVICES.find((s) => s.code === code);

/** outputImageProperties.encodingFormat enum: pdf, zpl, lp2, epl (no images). */
export const LABEL_FORMATS: readonly LabelFormat[] = ['PDF', 'ZPL'];

/** Not published in the spec: a conservative pace so one account never floods the API. */
export const LIMITS: CarrierLimits = { requestsPerSecond: 10 };

/** accounts[].number (typeCode shipper) is required on rates and shipments. */
export const REQUIRED_SETTINGS = ['accountNumber'] as const;
