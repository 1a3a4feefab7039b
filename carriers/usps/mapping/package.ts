/**
 * Unified parcel -> USPS package ingredients: weight in pounds and dimensions in inches
 * (usps_prices.yaml WeightPounds/Length/Width/Height), rounded UP to two decimals so USPS
 * never bills more than quoted, length the longest side, and the processing category.
 */
import { compareDecimal, parseDecimal } from '../../../src/domain/decimal.ts';
import type { Dimensions, Parcel } from '../../../src/domain/shipment.ts';
import { convertLength, convertWeight } from '../../../src/domain/units.ts';

/** USPS precision for pounds and inches. */
export const USPS_DECIMALS = 2;

/**
 * USPS requires all three dimensions. When the caller gives none, a small box that is
 * machinable and under 12 inches everywhere, so dimensions cannot change the price.
 */
export const DEFAULT_DIMENSIONS: Dimensions = { length: 6, width: 4, height: 2, unit: 'in' };

export interface UspsPackage {
  /** Pounds, decimal string. */
  weight: string;
  /** Inches, decimal strings, length >= width >= height. */
  length: string;
  width: string;
  height: string;
  processingCategory: 'MACHINABLE' | 'NONSTANDARD';
}

const d = parseDecimal;
const within = (value: string, min: string, max: string): boolean =>
  compareDecimal(d(value), d(min)) >= 0 && compareDecimal(d(value), d(max)) <= 0;

/** DMM 201: machinable parcels are 6x3x0.25 to 22x18x15 inches and 6 oz (0.375 lb) to 25 lb. */
function processingCategory(p: Omit<UspsPackage, 'processingCategory'>): UspsPackage['processingCategory'] {
  const machinable =
    within(p.length, '6', '22') &&
    within(p.width, '3', '18') &&
    within(p.height, '0.25', '15') &&
    within(p.weight, '0.375', '25');
  return machinable ? 'MACHINABLE' : 'NONSTANDARD';
}

export function toUspsPackage(parcel: Parcel): UspsPackage {
  const dims = parcel.dimensions ?? DEFAULT_DIMENSIONS;
  const sides = [dims.length, dims.width, dims.height]
    .map((v) => convertLength(v, dims.unit, 'in', { decimals: USPS_DECIMALS }))
    .sort((a, b) => compareDecimal(d(b), d(a)));
  const [length = '0', width = '0', height = '0'] = sides;
  const weight = convertWeight(parcel.weight, 'lb', { decimals: USPS_DECIMALS });
  const base = { weight, length, width, height };
  return { ...base, processingCategory: processingCategory(base) };
}

/** JSON number for the wire, from an exact decimal string (no arithmetic on it). */
export const wireNumber = (decimal: string): number => Number(decimal);
