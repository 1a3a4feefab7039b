/**
 * Colissimo product codes (the `letter.service.productCode` of generateLabel) with their
 * unified service levels. Codes: COL, DOM, DOS in akretion/roulier@8489f51 (branch colissimo_fr) cassettes, karrio's
 * Colissimo connector `units.py` ShippingService (DOS, DOM, CORE, COLR, J+1, COM, CDS, ECO,
 * CORI). Order matters: when a label asks only for a level, the first service of that level
 * that fits the route is the natural pick, so return products (CORE, CORI) come last.
 */
import type { ServiceDefinition } from '../../src/carrier/definition.ts';

export const SERVICES = [
  {
    code: 'DOM',
    name: 'Colissimo Domicile - sans signature',
    level: 'standard',
    scope: 'both',
    transitDays: 2,
  },
  {
    code: 'DOS',
    name: 'Colissimo Domicile - avec signature',
    level: 'standard',
    scope: 'both',
    transitDays: 2,
  },
  {
    code: 'COLD',
    name: 'Colissimo Access France (legacy, sans signature)',
    level: 'standard',
    scope: 'domestic',
    transitDays: 2,
  },
  {
    code: 'COL',
    name: 'Colissimo Expert France (legacy, avec signature)',
    level: 'standard',
    scope: 'domestic',
    transitDays: 2,
  },
  {
    code: 'J+1',
    name: 'Colissimo Flash - avec signature',
    level: 'express',
    scope: 'domestic',
    transitDays: 1,
  },
  {
    code: 'COLR',
    name: 'Colissimo Flash - sans signature',
    level: 'express',
    scope: 'domestic',
    transitDays: 1,
  },
  {
    code: 'COM',
    name: 'Colissimo Outre-Mer - sans signature',
    level: 'standard',
    scope: 'international',
    transitDays: 5,
  },
  {
    code: 'CDS',
    name: 'Colissimo Outre-Mer - avec signature',
    level: 'standard',
    scope: 'international',
    transitDays: 5,
  },
  { code: 'ECO', name: 'Colissimo Eco Outre-Mer', level: 'economy', scope: 'international', transitDays: 10 },
  { code: 'CORE', name: 'Colissimo Retour France', level: 'economy', scope: 'domestic', transitDays: 3 },
  {
    code: 'CORI',
    name: 'Colissimo Retour International',
    level: 'economy',
    scope: 'international',
    transitDays: 8,
  },
] as const satisfies readonly ServiceDefinition[];

export type ColissimoProductCode = (typeof SERVICES)[number]['code'];

export function serviceByCode(code: string): ServiceDefinition | undefined {
  return SERVICES.find((s) => s.code === code);
}
