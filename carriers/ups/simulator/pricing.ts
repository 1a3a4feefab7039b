/**
 * Deterministic, plausible UPS prices: integer cents from billable weight, distance zone and
 * service. Never floats on money: every amount is an integer number of cents.
 */
import type { z } from '@hono/zod-openapi';
import { isDomestic, serviceByCode, servicesForRoute } from '../profile.ts';
import type { RatePackage, UpsAddress } from './schemas.ts';

type Address = z.infer<typeof UpsAddress>;
type Package = z.infer<typeof RatePackage>;

/** Base cents, cents per billable unit (lb or kg), cents per zone step. */
const TARIFF: Record<string, [number, number, number]> = {
  '14': [9500, 380, 650],
  '01': [6200, 310, 520],
  '13': [5400, 280, 450],
  '59': [2600, 140, 210],
  '02': [2200, 120, 180],
  '12': [1600, 90, 120],
  '03': [950, 45, 60],
  '54': [14500, 900, 0],
  '07': [9800, 720, 0],
  '65': [8900, 650, 0],
  '08': [6900, 480, 0],
  '11': [3900, 260, 0],
  '70': [1400, 70, 0],
};

const EURO = new Set([
  'AT',
  'BE',
  'DE',
  'ES',
  'FI',
  'FR',
  'GR',
  'IE',
  'IT',
  'LU',
  'NL',
  'PT',
  'SI',
  'SK',
  'EE',
  'LV',
  'LT',
]);

export function currencyFor(originCountry: string): string {
  if (originCountry === 'CA') return 'CAD';
  if (originCountry === 'GB') return 'GBP';
  if (EURO.has(originCountry)) return 'EUR';
  return 'USD';
}

/** Domestic zones 2..8 from the distance between 3-digit postal prefixes; abroad 9 (near) or 10. */
export function zoneOf(from: Address, to: Address): number {
  if (!isDomestic(from.CountryCode, to.CountryCode)) {
    const near = (a: string, b: string) => ['US', 'CA', 'MX'].includes(a) && ['US', 'CA', 'MX'].includes(b);
    return near(from.CountryCode, to.CountryCode) ? 9 : 10;
  }
  const prefix = (a: Address) => {
    const digits = (a.PostalCode ?? '').replace(/\D/g, '').slice(0, 3);
    if (digits.length > 0) return Number(digits.padEnd(3, '0'));
    // Postcodes without digits: a stable number from the letters.
    return [...(a.PostalCode ?? a.City)].reduce((n, ch) => (n * 31 + ch.charCodeAt(0)) % 1000, 7);
  };
  return 2 + Math.min(6, Math.floor(Math.abs(prefix(from) - prefix(to)) / 125));
}

/** Billable units (whole lb or kg, rounded up): the larger of actual and dimensional weight. */
export function billableUnits(pkg: Package, imperial: boolean): number {
  const raw = Number(pkg.PackageWeight.Weight);
  const unit = pkg.PackageWeight.UnitOfMeasurement.Code;
  // Converted to the origin's system: 1 lb = 0.45359237 kg.
  const weight =
    unit === 'OZS'
      ? imperial
        ? raw / 16
        : (raw / 16) * 0.45359237
      : unit === 'LBS'
        ? imperial
          ? raw
          : raw * 0.45359237
        : imperial
          ? raw / 0.45359237
          : raw;
  let dimensional = 0;
  const d = pkg.Dimensions;
  if (d) {
    const volume = Number(d.Length) * Number(d.Width) * Number(d.Height);
    const inches = d.UnitOfMeasurement.Code === 'IN';
    // UPS divisors: 139 in^3/lb, 5000 cm^3/kg.
    const cubicInches = inches ? volume : volume / 16.387064;
    const cubicCm = inches ? volume * 16.387064 : volume;
    dimensional = imperial ? cubicInches / 139 : cubicCm / 5000;
  }
  return Math.max(1, Math.ceil(Math.max(weight, dimensional) - 1e-9));
}

export interface PackagePrice {
  billable: number;
  baseCents: number;
  fuelCents: number;
  totalCents: number;
}

export function pricePackage(
  serviceCode: string,
  pkg: Package,
  zone: number,
  imperial: boolean,
): PackagePrice {
  const [base, perUnit, perZone] = TARIFF[serviceCode] ?? [5000, 300, 100];
  const billable = billableUnits(pkg, imperial);
  const baseCents = base + perUnit * billable + perZone * Math.max(0, Math.min(zone, 8) - 2);
  // Fuel surcharge 17.5 %, rounded half up to the cent.
  const fuelCents = Math.floor((baseCents * 175 + 500) / 1000);
  return { billable, baseCents, fuelCents, totalCents: baseCents + fuelCents };
}

export const formatCents = (cents: number): string =>
  `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** Services UPS offers between two countries, with the codes of the origin's table. */
export function servicesFor(from: string, to: string): string[] {
  return servicesForRoute({ from, to }).map((s) => s.code);
}

export const transitDays = (code: string, origin: string): number | undefined =>
  serviceByCode(code, origin)?.transitDays;
