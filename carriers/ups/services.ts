/**
 * UPS service codes mean different services depending on where the shipment starts: UPS
 * publishes one table per origin in the Rating API appendix "Service Codes"
 * (https://developer.ups.com/api/reference/rating/appendix?loc=en_US, tables "Shipments
 * Originating in United States", "... in Puerto Rico", "... in Canada", "... in the
 * European Union", "... in Other Countries"). The same tables are carried by open-source
 * clients, e.g. magento/magento2@087de6bf:app/code/Magento/Ups/Helper/Config.php
 * (`originShipment`) and friendlycart/friendly_shipping@16d716ca:
 * lib/friendly_shipping/services/ups_json/shipping_methods.rb. Code 13 is "Next Day Air
 * Saver" from the US and "Express Saver" within Canada; 65 is "Worldwide Saver" from the US
 * and "Express Saver" from Canada or the EU; 01 and 02 do not exist from the EU. From Canada,
 * 12 (3 Day Select) and 14 (Express Early) serve Canada and the 48 contiguous US states (the
 * Shipping API appendix's Canada rows "Shipments originating in Canada to CA and US 48"; its Express Early
 * row prints 54, the Worldwide Express Plus code, where UPS answers a Canada-to-US shop with
 * 14: karrioapi/karrio@deea10f8:modules/connectors/ups/tests/ups/test_rate.py).
 */
import type { Route, ServiceDefinition } from '../../src/carrier/definition.ts';
import { tablesByOrigin } from '../../src/carrier/services.ts';

export type UpsRegion = 'US' | 'CA' | 'EU' | 'OTHER';

/** EU member states (UPS's EU table; Poland's domestic "Today" services are left out). */
// biome-ignore format: a table of codes reads better packed
export const EU_MEMBERS: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

/** Puerto Rico ships on the US table (its own table is a subset with the same meanings). */
export function upsRegion(origin: string): UpsRegion {
  if (origin === 'US' || origin === 'PR') return 'US';
  if (origin === 'CA') return 'CA';
  if (EU_MEMBERS.has(origin)) return 'EU';
  return 'OTHER';
}

type Entry = [
  code: string,
  name: string,
  level: ServiceDefinition['level'],
  scope: ServiceDefinition['scope'],
  days?: number,
];
const table = (entries: Entry[]): ServiceDefinition[] =>
  entries.map(([code, name, level, scope, transitDays]) => ({
    code,
    name,
    level,
    scope,
    ...(transitDays === undefined ? {} : { transitDays }),
  }));

// biome-ignore format: tables read better one service a line
export const UPS_TABLES: Readonly<Record<UpsRegion, readonly ServiceDefinition[]>> = {
  US: table([
    ['14', 'UPS Next Day Air Early', 'overnight', 'domestic', 1],
    ['01', 'UPS Next Day Air', 'overnight', 'domestic', 1],
    ['13', 'UPS Next Day Air Saver', 'overnight', 'domestic', 1],
    ['59', 'UPS 2nd Day Air A.M.', 'express', 'domestic', 2],
    ['02', 'UPS 2nd Day Air', 'express', 'domestic', 2],
    ['12', 'UPS 3 Day Select', 'standard', 'domestic', 3],
    ['03', 'UPS Ground', 'ground', 'domestic', 5],
    ['54', 'UPS Worldwide Express Plus', 'express', 'international', 1],
    ['07', 'UPS Worldwide Express', 'express', 'international', 2],
    ['65', 'UPS Worldwide Saver', 'express', 'international', 3],
    ['08', 'UPS Worldwide Expedited', 'standard', 'international', 5],
    ['11', 'UPS Standard', 'economy', 'international', 7],
  ]),
  CA: table([
    ['14', 'UPS Express Early', 'overnight', 'both', 1],
    ['01', 'UPS Express', 'overnight', 'domestic', 1],
    ['13', 'UPS Express Saver', 'overnight', 'domestic', 1],
    ['02', 'UPS Expedited', 'express', 'domestic', 2],
    ['12', 'UPS 3 Day Select', 'standard', 'both', 3],
    ['11', 'UPS Standard', 'ground', 'both', 4],
    ['70', 'UPS Access Point Economy', 'economy', 'domestic', 5],
    ['54', 'UPS Worldwide Express Plus', 'express', 'international', 1],
    ['07', 'UPS Worldwide Express', 'express', 'international', 2],
    ['65', 'UPS Express Saver', 'express', 'international', 3],
    ['08', 'UPS Worldwide Expedited', 'standard', 'international', 5],
  ]),
  EU: table([
    ['54', 'UPS Express Plus', 'express', 'both', 1],
    ['07', 'UPS Express', 'express', 'both', 1],
    ['65', 'UPS Express Saver', 'express', 'both', 2],
    ['08', 'UPS Expedited', 'standard', 'international', 4],
    ['11', 'UPS Standard', 'standard', 'both', 3],
    ['70', 'UPS Access Point Economy', 'economy', 'both', 5],
  ]),
  OTHER: table([
    ['54', 'UPS Worldwide Express Plus', 'express', 'both', 1],
    ['07', 'UPS Express', 'express', 'both', 2],
    ['65', 'UPS Saver', 'express', 'both', 3],
    ['08', 'UPS Worldwide Expedited', 'standard', 'international', 5],
    ['11', 'UPS Standard', 'economy', 'both', 7],
  ]),
};

export const upsTables = tablesByOrigin(UPS_TABLES, upsRegion);

/** Every service of every origin, for listings; codes repeat with their regional names. */
export const UPS_SERVICES: readonly ServiceDefinition[] = (Object.keys(UPS_TABLES) as UpsRegion[]).flatMap(
  (region) => UPS_TABLES[region],
);

/** Countries where UPS answers in pounds/inches; elsewhere kilograms/centimetres. */
export const IMPERIAL_ORIGINS: ReadonlySet<string> = new Set(['US', 'PR']);

/** Domestic when both ends are in the same country (US and PR are one UPS domestic network). */
export function isDomestic(from: string, to: string): boolean {
  return from === to || (IMPERIAL_ORIGINS.has(from) && IMPERIAL_ORIGINS.has(to));
}

/** The services UPS offers on a route, with the meanings of the origin's table. */
export function servicesForRoute(route: Route): ServiceDefinition[] {
  const scope = isDomestic(route.from, route.to) ? 'domestic' : 'international';
  return upsTables.forOrigin(route.from).services.filter((s) => s.scope === 'both' || s.scope === scope);
}

/** A service code as the origin's table defines it (default: shipments from the US). */
export function serviceByCode(code: string, origin = 'US'): ServiceDefinition | undefined {
  return upsTables.forOrigin(origin).byCode(code);
}
