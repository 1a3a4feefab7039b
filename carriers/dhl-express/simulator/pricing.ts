/**
 * Deterministic, plausible MyDHL prices: base price of the product + a per-kilo price by
 * distance zone on the billable weight (the greater of actual and volumetric, 5,000 cm3/kg,
 * rounded up to the half kilo) + a 20 % fuel surcharge. All in integer euro cents.
 */
import { isEuMember } from '../../../src/domain/countries.ts';

export type Zone = 'domestic' | 'eu' | 'world';

export interface SimProduct {
  code: string;
  name: string;
  baseCents: number;
  economy: boolean;
  networkTypeCode: 'TD' | 'DD';
}

const PRODUCTS: Record<string, SimProduct> = {
  P: { code: 'P', name: 'EXPRESS WORLDWIDE NONDOC', baseCents: 4500, economy: false, networkTypeCode: 'TD' },
  Y: { code: 'Y', name: 'EXPRESS 12:00 NONDOC', baseCents: 5500, economy: false, networkTypeCode: 'TD' },
  E: { code: 'E', name: 'EXPRESS 9:00 NONDOC', baseCents: 6900, economy: false, networkTypeCode: 'TD' },
  U: { code: 'U', name: 'EXPRESS WORLDWIDE EU', baseCents: 4200, economy: false, networkTypeCode: 'TD' },
  D: { code: 'D', name: 'EXPRESS WORLDWIDE DOC', baseCents: 4000, economy: false, networkTypeCode: 'TD' },
  W: { code: 'W', name: 'ECONOMY SELECT EU', baseCents: 2500, economy: true, networkTypeCode: 'DD' },
  H: { code: 'H', name: 'ECONOMY SELECT NONDOC', baseCents: 3000, economy: true, networkTypeCode: 'DD' },
  N: { code: 'N', name: 'EXPRESS DOMESTIC', baseCents: 1800, economy: false, networkTypeCode: 'TD' },
  '1': { code: '1', name: 'EXPRESS DOMESTIC 12:00', baseCents: 2400, economy: false, networkTypeCode: 'TD' },
  I: { code: 'I', name: 'EXPRESS DOMESTIC 9:00', baseCents: 3200, economy: false, networkTypeCode: 'TD' },
};

export function zoneOf(from: string, to: string): Zone {
  if (from === to) return 'domestic';
  return isEuMember(from) && isEuMember(to) ? 'eu' : 'world';
}

/** Products the rates answer offers on a route (what a real account typically sees). */
export function productsFor(zone: Zone): SimProduct[] {
  const codes =
    zone === 'domestic' ? ['N', '1', 'I'] : zone === 'eu' ? ['P', 'Y', 'E', 'W'] : ['P', 'Y', 'E', 'H'];
  return codes.map((c) => PRODUCTS[c]!);
}

/** Whether a product code may be shipped on the route (labels accept a few more than rates offer). */
export function productAllowed(code: string, zone: Zone): SimProduct | undefined {
  const p = PRODUCTS[code];
  if (!p) return undefined;
  const domesticOnly = ['N', '1', 'I'].includes(code);
  if (domesticOnly !== (zone === 'domestic')) return undefined;
  if ((code === 'W' || code === 'U') && zone !== 'eu') return undefined;
  if (code === 'H' && zone === 'eu') return undefined;
  return p;
}

const PER_KG_CENTS: Record<Zone, number> = { domestic: 150, eu: 400, world: 900 };

export interface SimPackage {
  weight: number;
  dimensions?: { length: number; width: number; height: number };
}

/** Billable weight in grams, rounded up to 500 g. */
export function billableGrams(packages: readonly SimPackage[]): {
  provided: number;
  volumetric: number;
  billable: number;
} {
  let provided = 0;
  let volumetric = 0;
  for (const p of packages) {
    provided += Math.round(p.weight * 1000);
    const d = p.dimensions;
    if (d) volumetric += Math.ceil((d.length * d.width * d.height * 1000) / 5000);
  }
  const billable = Math.ceil(Math.max(provided, volumetric) / 500) * 500;
  return { provided, volumetric, billable };
}

export interface Quote {
  baseCents: number;
  weightCents: number;
  fuelCents: number;
  totalCents: number;
  transitDays: number;
}

export function quote(product: SimProduct, zone: Zone, billableGramsValue: number): Quote {
  const perKg = product.economy ? PER_KG_CENTS[zone] / 2 : PER_KG_CENTS[zone];
  const weightCents = Math.round((billableGramsValue / 1000) * perKg);
  const fuelCents = Math.floor(((product.baseCents + weightCents) * 20) / 100);
  const transit = zone === 'domestic' ? 1 : zone === 'eu' ? 2 : 3;
  return {
    baseCents: product.baseCents,
    weightCents,
    fuelCents,
    totalCents: product.baseCents + weightCents + fuelCents,
    transitDays: product.economy ? transit + 3 : transit,
  };
}

export const euros = (cents: number): number => cents / 100;
