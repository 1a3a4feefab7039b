/**
 * The sandbox's price book: deterministic, plausible prices in integer cents from mail class,
 * billable weight (actual or dimensional, whole pounds up) and zone. Not USPS's real prices.
 */

/** Base and per-pound cents, and per-zone cents, per mail class. */
const BOOK: Record<string, { base: number; perLb: number; perZone: number; maxLb: number }> = {
  PRIORITY_MAIL_EXPRESS: { base: 2850, perLb: 310, perZone: 240, maxLb: 70 },
  PRIORITY_MAIL: { base: 895, perLb: 145, perZone: 95, maxLb: 70 },
  USPS_GROUND_ADVANTAGE: { base: 525, perLb: 85, perZone: 55, maxLb: 70 },
  PARCEL_SELECT: { base: 480, perLb: 80, perZone: 50, maxLb: 70 },
  MEDIA_MAIL: { base: 404, perLb: 75, perZone: 0, maxLb: 70 },
  LIBRARY_MAIL: { base: 385, perLb: 70, perZone: 0, maxLb: 70 },
  BOUND_PRINTED_MATTER: { base: 420, perLb: 60, perZone: 20, maxLb: 15 },
  PRIORITY_MAIL_EXPRESS_INTERNATIONAL: { base: 4495, perLb: 520, perZone: 410, maxLb: 66 },
  PRIORITY_MAIL_INTERNATIONAL: { base: 3150, perLb: 390, perZone: 300, maxLb: 66 },
  'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE': { base: 1650, perLb: 420, perZone: 150, maxLb: 4 },
};

export const knownMailClass = (mailClass: string): boolean => mailClass in BOOK;

export const maxPounds = (mailClass: string): number => BOOK[mailClass]?.maxLb ?? 70;

/** Domestic zone 1-9 from the distance between 3-digit ZIP prefixes; undefined for unknown ZIPs. */
export function domesticZone(originZip: string, destinationZip: string): number | undefined {
  const o = Number(originZip.slice(0, 3));
  const d = Number(destinationZip.slice(0, 3));
  // 000-004 are not in service: the real API answers 030001 "Could not find zone".
  if (o < 5 || d < 5) return undefined;
  return Math.min(9, 1 + Math.floor(Math.abs(o - d) / 111));
}

/** International price group 1-9, stable per country code. */
export function internationalZone(countryCode: string): number {
  const known: Record<string, number> = { CA: 1, MX: 2, GB: 3, FR: 4, DE: 4, JP: 5, AU: 6, BR: 7 };
  return known[countryCode] ?? 1 + ([...countryCode].reduce((s, ch) => s + ch.charCodeAt(0), 0) % 9);
}

/** Dimensional weight in pounds (cubic inches / 166) once the package exceeds one cubic foot. */
export function dimWeight(length: number, width: number, height: number): number {
  const cubic = length * width * height;
  return cubic > 1728 ? Math.ceil(cubic / 166) : 0;
}

export interface Priced {
  /** Postage in cents. */
  postage: number;
  fees: { name: string; SKU: string; cents: number }[];
  billableLb: number;
}

export function price(
  mailClass: string,
  weightLb: number,
  dims: [number, number, number],
  zone: number,
): Priced {
  const book = BOOK[mailClass] ?? { base: 999, perLb: 100, perZone: 50, maxLb: 70 };
  const billableLb = Math.max(1, Math.ceil(Math.max(weightLb, dimWeight(...dims))));
  const postage = book.base + book.perLb * (billableLb - 1) + book.perZone * (zone - 1);
  const fees: Priced['fees'] = [];
  // Same fee as the spec's BaseRatesSearchExample.
  if (dims[0] > 22) fees.push({ name: 'Nonstandard Length > 22', SKU: 'D811XUXXXXX0000', cents: 400 });
  return { postage, fees, billableLb };
}

/** Cents to the JSON number USPS sends (8.65). */
export const dollars = (cents: number): number => Number((cents / 100).toFixed(2));

/** Cents off postage for entering Parcel Select closer to the recipient (sandbox book). */
export function entryDiscountCents(mailClass: string, facility: string): number {
  if (mailClass !== 'PARCEL_SELECT') return 0;
  const off: Record<string, number> = {
    DESTINATION_NETWORK_DISTRIBUTION_CENTER: 30,
    DESTINATION_REGIONAL_PROCESSING_DISTRIBUTION_CENTER: 30,
    DESTINATION_SECTIONAL_CENTER_FACILITY: 60,
    DESTINATION_SERVICE_HUB: 90,
    DESTINATION_DELIVERY_UNIT: 120,
  };
  return off[facility] ?? 0;
}
