/**
 * International and returns prices come from the account's DHL contract. DHL sells DHL Paket
 * International, Europaket and DHL Retoure to business customers at contract prices, and
 * Europaket (B2B) and Retoure have no public list price at all, so no table shipped with the
 * gateway could be right for an account. Each price table is one non-secret account setting:
 *
 *   rates.<product>.<zone> = "<max grams>:<EUR price>,<max grams>:<EUR price>,..."
 *   e.g. rates.V53WPAK.EU1 = "2000:13.49,5000:16.49,10000:21.49,20000:30.49,31500:40.49"
 *   rates.effective        = "2025-01-01"   (optional: printed with every contract rate)
 *
 * Zones are zones.ts's: V53WPAK (Paket International) EU1, EU2, EU3, WORLD; V54EPAK
 * (Europaket) and V66WPI (Warenpost International) the same; RETOURE (DHL Retoure) takes the
 * zone of the country the return comes FROM. A product and zone without a table is not quoted.
 */
import { z } from '@hono/zod-openapi';
import type { WeightBand } from './rate-table.ts';
import { ZONES, type Zone } from './zones.ts';

export const CONTRACT_PRODUCTS = ['V53WPAK', 'V54EPAK', 'V66WPI', 'RETOURE'] as const;
export type ContractProduct = (typeof CONTRACT_PRODUCTS)[number];

export interface ContractRates {
  effective?: string;
  bands: Partial<Record<ContractProduct, Partial<Record<Zone, readonly WeightBand[]>>>>;
}

/** A rates.* setting that cannot be read: the account is misconfigured (the key is named, never guessed). */
export class ContractRatesError extends Error {
  readonly key: string;
  constructor(key: string, why: string) {
    super(`account setting ${key}: ${why}`);
    this.name = 'ContractRatesError';
    this.key = key;
  }
}

const MAX_GRAMS = 31_500;
const Band = z.object({
  maxGrams: z.coerce.number().int().positive().max(MAX_GRAMS),
  price: z.string().regex(/^\d{1,5}\.\d{2}$/, 'a price is a decimal with two places, e.g. 13.49'),
});

function parseBands(key: string, value: string): WeightBand[] {
  const bands: WeightBand[] = [];
  for (const pair of value.split(',')) {
    const [grams, price] = pair.trim().split(':');
    const parsed = Band.safeParse({ maxGrams: grams, price });
    if (!parsed.success) {
      throw new ContractRatesError(
        key,
        `'${pair.trim()}' is not <max grams>:<price> (${parsed.error.issues[0]?.message})`,
      );
    }
    const previous = bands.at(-1);
    if (previous && parsed.data.maxGrams <= previous.maxGrams) {
      throw new ContractRatesError(key, 'weight bands must be listed lightest first');
    }
    bands.push(parsed.data);
  }
  return bands;
}

const KEY = /^rates\.([A-Z0-9]+)\.([A-Z0-9]+)$/;

/** The contract tables among an account's settings (other settings are ignored). */
export function contractRates(settings: Readonly<Record<string, string>>): ContractRates {
  const out: ContractRates = { bands: {} };
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'rates.effective') {
      out.effective = value;
      continue;
    }
    if (!key.startsWith('rates.')) continue;
    const match = KEY.exec(key);
    const product = CONTRACT_PRODUCTS.find((p) => p === match?.[1]);
    const zone = ZONES.find((zn) => zn === match?.[2]);
    if (!product || !zone) {
      throw new ContractRatesError(
        key,
        `expected rates.<${CONTRACT_PRODUCTS.join('|')}>.<${ZONES.join('|')}>`,
      );
    }
    out.bands[product] = { ...out.bands[product], [zone]: parseBands(key, value) };
  }
  return out;
}
