/**
 * Small wire helpers shared by the MyDHL mappings: required headers, the spec's date-time
 * format, exact unit conversion to the metric units the API is asked for.
 */
import type { HeaderLookup } from '../../../src/carrier/definition.ts';
import { decimalToNumber, parseDecimal } from '../../../src/domain/decimal.ts';
import type { Address, Parcel } from '../../../src/domain/shipment.ts';
import { convertLength, convertWeight } from '../../../src/domain/units.ts';
import { X_VERSION } from '../profile.ts';

/** x-version is required on every call; Message-Reference (<= 36 chars) correlates support cases. */
export function mydhlHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    accept: 'application/json',
    'x-version': X_VERSION,
    'message-reference': crypto.randomUUID(),
    ...extra,
  };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * "2022-10-19T19:19:40 GMT+00:00": local time of the origin and its offset. The unified
 * model only has a date, so the shipment is tendered at noon UTC of that date (or of today).
 */
export function plannedShippingDateAndTime(shipDate: string | undefined, now: Date = new Date()): string {
  const date = shipDate ?? now.toISOString().slice(0, 10);
  return `${date}T12:00:00 GMT+00:00`;
}

/** The spec allows multipleOf 0.001 for kg and cm; weight rounds up (billed weight never under-declared). */
const PRECISION = { decimals: 3 } as const;

const asNumber = (decimal: string): number => decimalToNumber(parseDecimal(decimal));

export interface MetricPackage {
  weight: number;
  dimensions?: { length: number; width: number; height: number };
}

export function metricPackage(parcel: Parcel): MetricPackage {
  const pkg: MetricPackage = { weight: asNumber(convertWeight(parcel.weight, 'kg', PRECISION)) };
  const d = parcel.dimensions;
  if (d) {
    pkg.dimensions = {
      length: asNumber(convertLength(d.length, d.unit, 'cm', PRECISION)),
      width: asNumber(convertLength(d.width, d.unit, 'cm', PRECISION)),
      height: asNumber(convertLength(d.height, d.unit, 'cm', PRECISION)),
    };
  }
  return pkg;
}

/** MyDHL caps address lines and city at 45 characters. */
const cut = (text: string, max = 45): string => text.slice(0, max);

/** The rate/shipment postal address; MyDHL wants postalCode present (empty for countries without one). */
export function postalAddress(a: Address): Record<string, string> {
  const out: Record<string, string> = {
    postalCode: a.postalCode ?? '',
    cityName: cut(a.city),
    countryCode: a.countryCode,
  };
  a.lines.forEach((line, i) => {
    out[`addressLine${i + 1}`] = cut(line);
  });
  // provinceCode has minLength 2: a one-letter subdivision is left out rather than refused.
  if (a.stateCode && a.stateCode.length >= 2) out.provinceCode = a.stateCode;
  return out;
}

/** Retry-After in seconds or as an HTTP-date, in milliseconds; undefined when absent or invalid. */
export function retryAfterMs(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
