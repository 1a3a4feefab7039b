/**
 * Table rates: Parcel DE has no rate API. Each parcel is its own shipment (one label each),
 * so a request's price is the sum of its parcels' weight-band prices. National prices come
 * from the dated list-price table (rate-table.ts); international and returns prices from the
 * account's contract tables (contract-rates.ts), by zone (zones.ts).
 */
import type { CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { Money, Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import type { ContractProduct, ContractRates } from '../contract-rates.ts';
import { CARRIER_ID, RETOURE, SERVICES } from '../profile.ts';
import { RATE_TABLE, type RateTable, type WeightBand } from '../rate-table.ts';
import { RETURN_ORIGINS, type Zone, zoneOf } from '../zones.ts';
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

/** One rate from per-parcel bands; undefined when a parcel is over the product's limit. */
function rateFrom(
  service: ServiceDefinition,
  req: RateRequest,
  pick: (parcel: Parcel) => WeightBand | undefined,
  warning: string,
): CarrierRate | undefined {
  const prices = req.parcels.map(pick);
  if (prices.some((p) => p === undefined)) return undefined;
  const parcelPrices: Money[] = prices.map((b) => money(b!.price, 'EUR'));
  return {
    service: { code: service.code, name: service.name, level: service.level },
    total: sumMoney(parcelPrices),
    ...(req.parcels.length > 1
      ? { breakdown: parcelPrices.map((amount, i) => ({ label: `parcel ${i + 1}`, amount })) }
      : {}),
    ...(service.transitDays !== undefined ? { estimatedDays: service.transitDays } : {}),
    warnings: [warning],
  };
}

function nationalRates(req: RateRequest, table: RateTable): CarrierRate[] {
  return SERVICES.filter((s) => s.scope === 'domestic').flatMap((service) => {
    const bands = table.products[service.code];
    if (!bands) return [];
    const rate = rateFrom(
      service,
      req,
      (p) => bandFor(p, bands, table),
      `${CARRIER_ID} rate from the ${table.effective} price table (${table.source})`,
    );
    return rate ? [rate] : [];
  });
}

function contractRate(
  service: ServiceDefinition,
  req: RateRequest,
  contract: ContractRates,
  zone: Zone | undefined,
): CarrierRate[] {
  const bands = zone && contract.bands[service.code as ContractProduct]?.[zone];
  if (!bands) return [];
  const effective = contract.effective ? `, effective ${contract.effective}` : '';
  const rate = rateFrom(
    service,
    req,
    (p) => bands.find((b) => grams(p) <= b.maxGrams),
    `${CARRIER_ID} rate from the account's contract table (rates.${service.code}.${zone}${effective})`,
  );
  return rate ? [rate] : [];
}

export function tableRates(
  req: RateRequest,
  table: RateTable = RATE_TABLE,
  contract: ContractRates = { bands: {} },
): CarrierRate[] {
  const from = req.shipper.countryCode;
  const to = req.recipient.countryCode;
  if (from === 'DE' && to === 'DE') return nationalRates(req, table);
  if (from === 'DE') {
    const zone = zoneOf(to);
    return SERVICES.filter((s) => s.scope === 'international' && s.code !== RETOURE.code).flatMap((s) =>
      contractRate(s, req, contract, zone),
    );
  }
  // A DHL Retoure order is one parcel sent back to Germany from an EU country.
  if (to === 'DE' && RETURN_ORIGINS.has(from) && req.parcels.length === 1) {
    return contractRate(RETOURE, req, contract, zoneOf(from));
  }
  return [];
}
