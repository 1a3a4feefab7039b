/**
 * Deterministic, plausible FedEx prices: per package, (base + per billable lb) for the service,
 * scaled by a distance zone, plus a 10.5 % fuel surcharge. Integer cents throughout.
 */
import type { ServiceDefinition } from '../../../src/carrier/definition.ts';
import { FEDEX_SERVICES } from '../services.ts';
import type { LineItem, SimAddress } from './requests.ts';

/** Cents: base and per billable pound. */
const TARIFF: Record<string, [number, number]> = {
  FIRST_OVERNIGHT: [9000, 650],
  PRIORITY_OVERNIGHT: [6000, 520],
  STANDARD_OVERNIGHT: [5000, 460],
  FEDEX_2_DAY_AM: [3200, 340],
  FEDEX_2_DAY: [2700, 300],
  FEDEX_EXPRESS_SAVER: [2200, 240],
  FEDEX_GROUND: [950, 90],
  GROUND_HOME_DELIVERY: [1050, 95],
  SMART_POST: [800, 70],
  INTERNATIONAL_FIRST: [16000, 1400],
  FEDEX_INTERNATIONAL_PRIORITY_EXPRESS: [12000, 1100],
  FEDEX_INTERNATIONAL_PRIORITY: [9500, 900],
  INTERNATIONAL_PRIORITY: [9500, 900],
  FEDEX_INTERNATIONAL_CONNECT_PLUS: [6000, 600],
  INTERNATIONAL_ECONOMY: [7000, 680],
};

export const FUEL_PERCENT = 10.5;
const LIST_MARKUP_PERCENT = 7;

const CURRENCY: Record<string, string> = { US: 'USD', CA: 'CAD', GB: 'GBP', MX: 'MXN' };
const EURO = new Set(['AT', 'BE', 'DE', 'ES', 'FI', 'FR', 'IE', 'IT', 'LU', 'NL', 'PT']);

export const currencyOf = (countryCode: string): string =>
  CURRENCY[countryCode] ?? (EURO.has(countryCode) ? 'EUR' : 'USD');

/** US zones 2-8 from the ZIP's first digit; 9 for North America, 10 for the rest of the world. */
export function zoneOf(from: SimAddress, to: SimAddress): number {
  if (from.countryCode === to.countryCode) {
    const a = Number((from.postalCode ?? '0').replace(/\D/g, '').slice(0, 1) || 0);
    const b = Number((to.postalCode ?? '0').replace(/\D/g, '').slice(0, 1) || 0);
    return Math.min(8, 2 + Math.abs(a - b));
  }
  const northAmerica = new Set(['US', 'CA', 'MX']);
  return northAmerica.has(from.countryCode) && northAmerica.has(to.countryCode) ? 9 : 10;
}

/** Older service names FedEx still accepts, and the current service they stand for. */
const LEGACY: Record<string, string> = { INTERNATIONAL_PRIORITY: 'FEDEX_INTERNATIONAL_PRIORITY' };

/** The offered services, or only `requested` (answered under the name it was asked by). */
export function servicesFor(from: SimAddress, to: SimAddress, requested?: string): ServiceDefinition[] {
  const offered = offeredOn(from, to);
  if (requested === undefined) return offered;
  const current = LEGACY[requested] ?? requested;
  const match = offered.find((s) => s.code === current);
  if (!match) return [];
  return [FEDEX_SERVICES.find((s) => s.code === requested) ?? match];
}

/** Services offered on a route; ground vs home delivery by the recipient's residential flag. */
function offeredOn(from: SimAddress, to: SimAddress): ServiceDefinition[] {
  const domestic = from.countryCode === to.countryCode;
  const pick = (codes: string[]) => FEDEX_SERVICES.filter((s) => codes.includes(s.code));
  if (domestic && from.countryCode === 'US') {
    const ground = to.residential ? 'GROUND_HOME_DELIVERY' : 'FEDEX_GROUND';
    return pick([
      'FIRST_OVERNIGHT',
      'PRIORITY_OVERNIGHT',
      'STANDARD_OVERNIGHT',
      'FEDEX_2_DAY_AM',
      'FEDEX_2_DAY',
      'FEDEX_EXPRESS_SAVER',
      ground,
      'SMART_POST',
    ]);
  }
  if (domestic && from.countryCode === 'CA') {
    return pick(['PRIORITY_OVERNIGHT', 'STANDARD_OVERNIGHT', 'FEDEX_2_DAY', 'FEDEX_GROUND']);
  }
  if (domestic) return [];
  const usCanada = new Set([from.countryCode, to.countryCode]);
  return pick([
    'INTERNATIONAL_FIRST',
    'FEDEX_INTERNATIONAL_PRIORITY_EXPRESS',
    'FEDEX_INTERNATIONAL_PRIORITY',
    'FEDEX_INTERNATIONAL_CONNECT_PLUS',
    'INTERNATIONAL_ECONOMY',
    ...(usCanada.has('US') && usCanada.has('CA') ? ['FEDEX_GROUND'] : []),
  ]);
}

/** Billable whole pounds: actual weight or dimensional weight (divisor 139 in³/lb), whichever is more. */
export function billablePounds(item: LineItem): number {
  const hundredths = Math.round(item.weight.value * 100);
  const lb100 = item.weight.units === 'KG' ? Math.ceil((hundredths * 220462) / 100000) : hundredths;
  const actual = Math.max(1, Math.ceil(lb100 / 100));
  const d = item.dimensions;
  if (!d) return actual;
  const volume = d.length * d.width * d.height;
  const dim = d.units === 'CM' ? Math.ceil(volume / 2278) : Math.ceil(volume / 139);
  return Math.max(actual, dim);
}

export interface Quote {
  service: ServiceDefinition;
  currency: string;
  billableLb: number;
  /** Cents. */
  base: number;
  fuel: number;
  net: number;
  list: number;
}

export function quote(
  service: ServiceDefinition,
  from: SimAddress,
  to: SimAddress,
  items: readonly LineItem[],
): Quote {
  const [baseCents, perLb] = TARIFF[service.code] ?? [5000, 500];
  const zoneFactor = 100 + (zoneOf(from, to) - 2) * 8;
  let base = 0;
  let billableLb = 0;
  for (const item of items) {
    const lb = billablePounds(item);
    const count = item.groupPackageCount ?? 1;
    billableLb += lb * count;
    base += Math.round(((baseCents + perLb * lb) * zoneFactor) / 100) * count;
  }
  const fuel = Math.round((base * FUEL_PERCENT * 10) / 1000);
  const net = base + fuel;
  return {
    service,
    currency: currencyOf(from.countryCode),
    billableLb,
    base,
    fuel,
    net,
    list: Math.round((net * (100 + LIST_MARKUP_PERCENT)) / 100),
  };
}

/** Cents as the JSON number FedEx sends (12.5 for 1250). */
export const amount = (cents: number): number => cents / 100;
