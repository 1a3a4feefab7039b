/**
 * Exact unit conversion. The factors are the legal definitions (1 lb = 0.45359237 kg,
 * 1 in = 2.54 cm), applied in decimal arithmetic; carriers then round to their precision.
 */

import {
  type Decimal,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  type RoundingMode,
  roundDecimal,
} from './decimal.ts';
import type { Dimensions, Weight } from './shipment.ts';

type WeightUnit = Weight['unit'];
type LengthUnit = Dimensions['unit'];

/** Grams per unit, exactly. */
const GRAMS_PER: Record<WeightUnit, Decimal> = {
  g: parseDecimal('1'),
  kg: parseDecimal('1000'),
  lb: parseDecimal('453.59237'),
  oz: parseDecimal('28.349523125'),
};

/** Millimetres per unit, exactly. */
const MM_PER: Record<LengthUnit, Decimal> = { cm: parseDecimal('10'), in: parseDecimal('25.4') };

function convert(
  value: number,
  fromFactor: Decimal,
  toFactor: Decimal,
  decimals: number,
  mode: RoundingMode,
): Decimal {
  // value * from / to, done as (value * from * 10^k) / to with enough extra digits before rounding.
  const base = multiplyDecimal(parseDecimal(value), fromFactor);
  const extra = 12;
  const scaledNumerator = base.units * 10n ** BigInt(extra + toFactor.scale);
  const quotient = scaledNumerator / toFactor.units;
  const remainder = scaledNumerator % toFactor.units;
  // Any non-zero remainder nudges the last digit so 'up' rounding never under-reports.
  const units = remainder === 0n ? quotient : quotient + (mode === 'up' ? 1n : 0n);
  return roundDecimal({ units, scale: base.scale + extra }, decimals, mode);
}

export interface ConversionOptions {
  /** Decimal places the carrier accepts. */
  decimals: number;
  /** Carriers bill weight rounded up; default 'up'. */
  mode?: RoundingMode;
}

/** A weight in another unit, as a decimal string rounded to the carrier's precision. */
export function convertWeight(weight: Weight, to: WeightUnit, options: ConversionOptions): string {
  return formatDecimal(
    convert(weight.value, GRAMS_PER[weight.unit], GRAMS_PER[to], options.decimals, options.mode ?? 'up'),
  );
}

/** A length in another unit, as a decimal string rounded to the carrier's precision. */
export function convertLength(
  value: number,
  from: LengthUnit,
  to: LengthUnit,
  options: ConversionOptions,
): string {
  return formatDecimal(convert(value, MM_PER[from], MM_PER[to], options.decimals, options.mode ?? 'up'));
}

/** Sum of parcel weights in one unit (exact), as a decimal string. */
export function totalWeight(weights: readonly Weight[], to: WeightUnit, options: ConversionOptions): string {
  let grams: Decimal = { units: 0n, scale: 0 };
  for (const w of weights) {
    const g = multiplyDecimal(parseDecimal(w.value), GRAMS_PER[w.unit]);
    const scale = Math.max(grams.scale, g.scale);
    grams = {
      units: grams.units * 10n ** BigInt(scale - grams.scale) + g.units * 10n ** BigInt(scale - g.scale),
      scale,
    };
  }
  const gramsValue = Number(formatDecimal(grams));
  return formatDecimal(
    convert(gramsValue, GRAMS_PER.g, GRAMS_PER[to], options.decimals, options.mode ?? 'up'),
  );
}
