/**
 * Table rates: Parcel DE has no rate API. Each parcel is its own shipment (one label each),
 * so a request's price is the sum of its parcels' weight-band prices.
 */
import type { CarrierRate } from '../../../src/carrier/definition.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import { CARRIER_ID, SERVICES } from '../profile.ts';
import { RATE_TABLE, type RateTable, type WeightBand } from '../rate-table.ts';
import { centimetres, grams } from './wire.ts';

/** Whether the box fits the lightest band's size limit (sides compared longest to longest). */
function fitsSmallBand(parcel: Parcel, table: RateTable): boolean {
  const d = parcel.dimensions;
  if (!d) return true;
  const sides = [d.length, d.width, d.height].map((v) => centimetres(v, d.unit)).sort((a, b) => b - a);
  return sides.every((side, i) => side <= table.smallBandMaxCm[i]!);
}

export function bandFor(
  parcel: Parcel,
  bands: readonly WeightBand[],
  table: RateTable,
): WeightBand | undefined {
  const g = grams(parcel);
  const small = fitsSmallBand(parcel, table);
  // The lightest band also has a size limit: a bigger box pays the next band.
  return bands.find((band, i) => g <= band.maxGrams && (i > 0 || small));
}

export function tableRates(req: RateRequest, table: RateTable = RATE_TABLE): CarrierRate[] {
  const domestic = req.recipient.countryCode === 'DE';
  const rates: CarrierRate[] = [];
  for (const service of SERVICES) {
    if (service.scope !== (domestic ? 'domestic' : 'international')) continue;
    const bands = table.products[service.code];
    if (!bands) continue;
    const prices = req.parcels.map((p) => bandFor(p, bands, table));
    if (prices.some((p) => p === undefined)) continue; // a parcel over the product's limit
    const parcelPrices = prices.map((b) => money(b!.price, table.currency));
    rates.push({
      service: { code: service.code, name: service.name, level: service.level },
      total: sumMoney(parcelPrices),
      ...(req.parcels.length > 1
        ? { breakdown: parcelPrices.map((amount, i) => ({ label: `parcel ${i + 1}`, amount })) }
        : {}),
      ...(service.transitDays !== undefined ? { estimatedDays: service.transitDays } : {}),
      warnings: [`${CARRIER_ID} rate from the ${table.effective} price table (${table.source})`],
    });
  }
  return rates;
}
