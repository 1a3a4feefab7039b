/** Wire helpers for Parcel DE: exact grams and millimetres, alpha-3 countries, Retry-After. */
import type { HeaderLookup } from '../../../src/carrier/definition.ts';
import { toAlpha3 } from '../../../src/domain/countries.ts';
import { parseDecimal } from '../../../src/domain/decimal.ts';
import type { Parcel } from '../../../src/domain/shipment.ts';
import { convertLength, convertWeight } from '../../../src/domain/units.ts';

/** Weight in whole grams, rounded up (the API bills by weight class; never under-declare). */
export const grams = (parcel: Parcel): number => Number(convertWeight(parcel.weight, 'g', { decimals: 0 }));

/** A length in whole millimetres, rounded up (the API takes int32 mm or cm). */
export function millimetres(value: number, unit: 'cm' | 'in'): number {
  const cm = parseDecimal(convertLength(value, unit, 'cm', { decimals: 1 }));
  // One decimal of a centimetre is exactly a millimetre: the scaled units are the answer.
  return Number(cm.units);
}

/** Whole centimetres, rounded up, for the rate table's size classes. */
export const centimetres = (value: number, unit: 'cm' | 'in'): number =>
  Number(convertLength(value, unit, 'cm', { decimals: 0 }));

export function alpha3(alpha2: string): string {
  const code = toAlpha3(alpha2);
  if (!code) throw new RangeError(`unknown country code ${alpha2}`);
  return code;
}

/** A house number: digits, maybe a letter, maybe a range or a slash ("12", "12a", "12-14", "3/1"). */
const HOUSE = String.raw`\d+[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?`;
const TRAILING = new RegExp(String.raw`^(.*?\S),?\s+(${HOUSE})$`);
const LEADING = new RegExp(String.raw`^(${HOUSE}),?\s+(.*\S)$`);

/**
 * Street and house number of one address line, where the Returns API wants them apart:
 * trailing as in Germany ("Unter den Linden 1"), leading as in France ("10 rue de Rivoli").
 */
export function splitStreet(line: string): { street: string; house: string } | undefined {
  const text = line.trim();
  const trailing = TRAILING.exec(text);
  if (trailing?.[1] && trailing[2]) return { street: trailing[1], house: trailing[2] };
  const leading = LEADING.exec(text);
  if (leading?.[1] && leading[2]) return { street: leading[2], house: leading[1] };
  return undefined;
}

export function retryAfterMs(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
