/**
 * What a USPS price or label depends on besides the parcel: the rate indicator and the
 * destination entry facility of each mail class. Rates are chosen with the same values the
 * label is bought with, so the price shown is the price paid.
 */

import { CONNECT_LOCAL } from '../profile.ts';

/**
 * PA: Priority Mail Express (International) single piece; LC: USPS Connect Local single piece;
 * SP: single piece (usps_prices.yaml rateIndicator).
 */
export function rateIndicatorFor(mailClass: string): string {
  if (mailClass.startsWith('PRIORITY_MAIL_EXPRESS')) return 'PA';
  return mailClass === CONNECT_LOCAL ? 'LC' : 'SP';
}

/** USPS Connect Local is quoted only for an account enrolled in it (setting `connectLocal`). */
export const offersClass = (mailClass: string, settings: Readonly<Record<string, string>>): boolean =>
  mailClass !== CONNECT_LOCAL || settings.connectLocal === 'true';

/** Where Parcel Select is entered when the account says nothing (DNDC entry ends 2026-01-18, spec note). */
export const DEFAULT_PARCEL_SELECT_ENTRY = 'DESTINATION_SECTIONAL_CENTER_FACILITY';

/**
 * Parcel Select is a destination-entry product: the shipper drops parcels at the facility set
 * by `parcelSelectEntryFacility`. USPS Connect Local is entered at the destination delivery
 * unit (usps_prices.yaml TotalRatesSearchExample). Every other class is entered at the origin (NONE).
 */
export function entryFacilityFor(mailClass: string, settings: Readonly<Record<string, string>>): string {
  if (mailClass === CONNECT_LOCAL) return 'DESTINATION_DELIVERY_UNIT';
  if (mailClass !== 'PARCEL_SELECT') return 'NONE';
  return settings.parcelSelectEntryFacility || DEFAULT_PARCEL_SELECT_ENTRY;
}

/**
 * The entry facilities a price may name for the label to be bought at that price: the label's
 * own, and for international mail the International Service Center USPS's shipping options
 * name (shipping-options.yaml InternationalOptionsExample), which an origin entry reaches.
 */
export function priceFacilitiesFor(mailClass: string, settings: Readonly<Record<string, string>>): string[] {
  return mailClass.includes('INTERNATIONAL')
    ? ['NONE', 'INTERNATIONAL_SERVICE_CENTER']
    : [entryFacilityFor(mailClass, settings)];
}
