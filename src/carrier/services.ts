/**
 * Service tables: a carrier's codes and what they mean in the unified model. Some carriers
 * give one code different meanings depending on where the shipment starts (UPS publishes a
 * table per origin), so a table can be chosen by origin country.
 */
import type { ServiceLevel, ServiceRef } from '../domain/shipment.ts';
import type { ServiceDefinition } from './definition.ts';

export interface ServiceTable {
  readonly services: readonly ServiceDefinition[];
  byCode(code: string): ServiceDefinition | undefined;
}

export function serviceTable(services: readonly ServiceDefinition[]): ServiceTable {
  const index = new Map(services.map((s) => [s.code, s]));
  return { services, byCode: (code) => index.get(code) };
}

/** Tables per origin region: `regionOf` names the region of an origin country. */
export function tablesByOrigin<R extends string>(
  tables: Readonly<Record<R, readonly ServiceDefinition[]>>,
  regionOf: (originCountry: string) => R,
): { forOrigin(originCountry: string): ServiceTable; region: (originCountry: string) => R } {
  const built = new Map<R, ServiceTable>();
  for (const region of Object.keys(tables) as R[]) built.set(region, serviceTable(tables[region]));
  return {
    region: regionOf,
    forOrigin: (country) => built.get(regionOf(country)) as ServiceTable,
  };
}

/** The unified reference of a known service. */
export const refOf = (s: ServiceDefinition): ServiceRef => ({ code: s.code, name: s.name, level: s.level });

/**
 * A service the table does not know, kept as the carrier named it (an unknown code is a
 * warning, not a reason to drop a price the carrier quoted). Its level is guessed from the
 * carrier's name for it, else `standard`.
 */
export function unknownService(
  code: string,
  carrierName: string | undefined,
  context: string,
): { service: ServiceRef; warning: string } {
  const name = carrierName?.trim() || `service ${code}`;
  return {
    service: { code, name, level: levelFromName(name) },
    warning: `service code '${code}' is not in the gateway's ${context} table; shown as the carrier named it`,
  };
}

function levelFromName(name: string): ServiceLevel {
  const n = name.toLowerCase();
  if (/next day|overnight|early/.test(n)) return 'overnight';
  if (/express|priority|2nd day|2 day|saver/.test(n)) return 'express';
  if (/ground/.test(n)) return 'ground';
  if (/economy|standard|parcel select/.test(n)) return 'standard';
  return 'standard';
}
