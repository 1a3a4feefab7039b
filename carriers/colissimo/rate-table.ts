/**
 * Colissimo has no rating endpoint (karrio's Colissimo connector, karrioapi/karrio@61b27c6fb, used static rate sheets), so the
 * gateway quotes from this dated table (rateSource 'table'). Prices are EUR, taxes included,
 * per parcel, by weight band ("jusqu'à" = up to and including maxKg).
 *
 * `verified` says whether a band list was copied from a public copy of the La Poste price
 * list (true) or is an indicative placeholder awaiting the official grid (false). Update the
 * table and `effectiveFrom` together when La Poste publishes new prices.
 */
import type { ZoneName } from './zones.ts';

export interface WeightBand {
  /** Upper bound of the band in kg, inclusive. */
  maxKg: string;
  /** Decimal string, EUR. */
  price: string;
}

export interface ZoneTable {
  bands: readonly WeightBand[];
  source: string;
  verified: boolean;
}

export interface RateTable {
  effectiveFrom: string;
  currency: 'EUR';
  /** Colissimo carries at most 30 kg per parcel. */
  maxKg: string;
  /** Home delivery (DOM, COM) price per destination zone. */
  home: Record<ZoneName, ZoneTable>;
  /** Colissimo Eco Outre-Mer (ECO), the economy option to the overseas departments. */
  ecoOutreMer: Record<'om1' | 'om2', ZoneTable>;
  /** Added for the "avec signature" products (DOS, CDS). */
  signatureSurcharge: { price: string; source: string; verified: boolean };
}

const TARIF_LETTRE_2023 =
  'https://www.tarif-lettre.com/tarif-colissimo "Prix Colissimo 2023 - Envoi en FRANCE", column "Livraison à DOMICILE" (France métropolitaine, Andorre, Monaco)';
const PLACEHOLDER =
  'indicative placeholder, not copied from the official grid: replace with the La Poste price list';

const bands = (rows: readonly (readonly [string, string])[]): WeightBand[] =>
  rows.map(([maxKg, price]) => ({ maxKg, price }));

export const RATE_TABLE: RateTable = {
  effectiveFrom: '2023-01-01',
  currency: 'EUR',
  maxKg: '30',
  home: {
    france: {
      source: TARIF_LETTRE_2023,
      verified: true,
      bands: bands([
        ['0.25', '4.95'],
        ['0.5', '6.70'],
        ['0.75', '7.60'],
        ['1', '8.25'],
        ['2', '9.55'],
        ['5', '14.65'],
        ['10', '21.30'],
        ['15', '26.95'],
        ['30', '33.40'],
      ]),
    },
    om1: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '11.65'],
        ['1', '17.40'],
        ['2', '23.60'],
        ['5', '35.55'],
        ['10', '56.95'],
        ['15', '99.45'],
        ['30', '149.95'],
      ]),
    },
    om2: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '13.50'],
        ['1', '20.35'],
        ['2', '35.60'],
        ['5', '60.85'],
        ['10', '112.40'],
        ['15', '160.30'],
        ['30', '265.75'],
      ]),
    },
    europe: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '16.75'],
        ['1', '20.20'],
        ['2', '22.55'],
        ['5', '28.05'],
        ['10', '46.05'],
        ['15', '52.70'],
        ['20', '60.05'],
        ['30', '72.00'],
      ]),
    },
    world: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '29.15'],
        ['1', '32.80'],
        ['2', '45.00'],
        ['5', '65.50'],
        ['10', '121.15'],
        ['15', '142.00'],
        ['20', '163.00'],
        ['30', '196.00'],
      ]),
    },
  },
  ecoOutreMer: {
    om1: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '9.75'],
        ['1', '12.35'],
        ['2', '16.20'],
        ['5', '25.15'],
        ['10', '41.30'],
        ['15', '60.05'],
        ['30', '96.35'],
      ]),
    },
    om2: {
      source: PLACEHOLDER,
      verified: false,
      bands: bands([
        ['0.5', '11.10'],
        ['1', '15.05'],
        ['2', '24.40'],
        ['5', '41.75'],
        ['10', '75.60'],
        ['15', '108.20'],
        ['30', '178.90'],
      ]),
    },
  },
  signatureSurcharge: { price: '1.50', source: PLACEHOLDER, verified: false },
};
