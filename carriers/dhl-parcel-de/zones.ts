/**
 * Where a Parcel DE shipment goes, as DHL Paket International prices it: three EU zones and
 * the rest of the world, from Germany. And which countries can send a DHL Retoure back to
 * Germany.
 *
 * EU zones 1-3 as of 2025. DHL publishes the zone of each country in its business price
 * sheets, which are not public; the split below is the one two independent public sources
 * agree on: the zone map of the grandeljay/modified-dhl shop module (Country.php) and the
 * DHL price page of a German shop (skopart24.com, "Zone 1 EU / Zone 2 EU"). Only EU members
 * are in the EU zones; every other country (also non-EU Europe: CH, GB, NO) is WORLD here.
 */
import { isEuMember } from '../../src/domain/countries.ts';

export const ZONES = ['EU1', 'EU2', 'EU3', 'WORLD'] as const;
export type Zone = (typeof ZONES)[number];

const EU_ZONE: Readonly<Record<string, Zone>> = {
  AT: 'EU1',
  BE: 'EU1',
  CZ: 'EU1',
  DK: 'EU1',
  FR: 'EU1',
  LU: 'EU1',
  NL: 'EU1',
  PL: 'EU1',
  ES: 'EU2',
  HU: 'EU2',
  IT: 'EU2',
  SE: 'EU2',
  SI: 'EU2',
  SK: 'EU2',
  BG: 'EU3',
  CY: 'EU3',
  EE: 'EU3',
  FI: 'EU3',
  GR: 'EU3',
  HR: 'EU3',
  IE: 'EU3',
  LT: 'EU3',
  LV: 'EU3',
  MT: 'EU3',
  PT: 'EU3',
  RO: 'EU3',
};

/** The zone of a country other than Germany (undefined for Germany itself). */
export function zoneOf(country: string): Zone | undefined {
  const code = country.toUpperCase();
  if (code === 'DE') return undefined;
  return EU_ZONE[code] ?? 'WORLD';
}

/**
 * Shipper countries of a DHL Retoure to Germany that need no customs data: the EU members
 * of the Returns API's `Country` enum (pp-parcel-returns.yaml 1.1.0), which lists every EU
 * member. GB, NO and CH are in the enum too but need a CN23 (customsDetails): not offered.
 */
export const RETURN_ORIGINS: ReadonlySet<string> = new Set(Object.keys(EU_ZONE).filter(isEuMember));
