/**
 * Synthetic probe: one authenticated base-rates search for a fixed 1 lb Ground Advantage
 * package (Washington DC to itself). Buys nothing, exercises the token and the prices API.
 */
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { DOMESTIC_RATES_PATH } from './base-rates.ts';

export const PROBE_QUERY = {
  originZIPCode: '20260',
  destinationZIPCode: '20260',
  weight: 1,
  length: 6,
  width: 4,
  height: 2,
  mailClass: 'USPS_GROUND_ADVANTAGE',
  processingCategory: 'MACHINABLE',
  rateIndicator: 'SP',
  destinationEntryFacilityType: 'NONE',
  priceType: 'COMMERCIAL',
};

export async function probe(ctx: CarrierContext): Promise<void> {
  await ctx.request({
    method: 'POST',
    path: DOMESTIC_RATES_PATH,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(PROBE_QUERY),
    operation: 'probe',
  });
}
