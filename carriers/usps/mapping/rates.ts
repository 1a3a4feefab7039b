/**
 * Unified rate request -> USPS prices. Three USPS APIs can answer; the account setting
 * `rateApi` chooses:
 * - `shipping-options` (default): POST /shipments/v3/options/search (shipping-options.ts),
 *   every eligible mail class with extra services and commitments in one call per parcel,
 *   domestic and international;
 * - `total-rates`: POST /prices/v3/total-rates/search (total-rates.ts), domestic, every class
 *   with extra services in one call per parcel (international falls back to base rates);
 * - `base-rates`: POST /prices/v3/base-rates/search and its international twin
 *   (base-rates.ts), one call per mail class and parcel, postage only.
 * Whichever answers, each price is checked against the mail class it is shown as.
 */
import type { CarrierContext, CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { unreadableAnswer } from '../../../src/carrier/outcomes.ts';
import { sumMoney } from '../../../src/domain/money.ts';
import type { Money, RateRequest } from '../../../src/domain/shipment.ts';
import { isDomestic, USPS_SERVICES } from '../profile.ts';
import { usZip } from './address.ts';
import { baseRates } from './base-rates.ts';
import { offersClass } from './mail-classes.ts';
import type { ParcelPrice } from './rate-choice.ts';
import { refuse } from './refuse.ts';
import { optionRates } from './shipping-options.ts';
import { totalRates } from './total-rates.ts';

/** One service's price per parcel, or why it has none. */
export type ServiceQuote =
  | { service: ServiceDefinition; prices: ParcelPrice[] }
  | { service: ServiceDefinition; reason: string };

/** Sums per-parcel prices of one mail class: totals, same-label breakdown lines, unique warnings. */
export function combineParcels(
  service: ServiceDefinition,
  prices: ParcelPrice[],
  extra: string[] = [],
): CarrierRate {
  const byLabel = new Map<string, Money[]>();
  for (const line of prices.flatMap((p) => p.breakdown)) {
    byLabel.set(line.label, [...(byLabel.get(line.label) ?? []), line.amount]);
  }
  const rate: CarrierRate = {
    service: { code: service.code, name: service.name, level: service.level },
    total: sumMoney(prices.map((p) => p.total)),
    breakdown: [...byLabel].map(([label, amounts]) => ({ label, amount: sumMoney(amounts) })),
  };
  const days = Math.max(...prices.map((p) => p.days ?? -1));
  const estimated = days >= 0 ? days : service.transitDays;
  if (estimated !== undefined) rate.estimatedDays = estimated;
  const warnings = [...new Set([...prices.flatMap((p) => p.warnings), ...extra])];
  if (warnings.length) rate.warnings = warnings;
  return rate;
}

/**
 * The mail classes to quote: the route's scope, filtered by the requested unified levels and by
 * what the account may ship (USPS Connect Local needs enrolment).
 */
export function candidateServices(
  req: RateRequest,
  settings: Readonly<Record<string, string>> = {},
): ServiceDefinition[] {
  const scope = isDomestic(req.shipper.countryCode, req.recipient.countryCode) ? 'domestic' : 'international';
  return USPS_SERVICES.filter(
    (s) =>
      (s.scope === scope || s.scope === 'both') &&
      (!req.services || req.services.includes(s.level)) &&
      offersClass(s.code, settings),
  );
}

export type RateApi = 'shipping-options' | 'total-rates' | 'base-rates';

export function rateApiOf(ctx: CarrierContext): RateApi {
  const chosen = ctx.account.settings.rateApi;
  return chosen === 'total-rates' || chosen === 'base-rates' ? chosen : 'shipping-options';
}

/**
 * Rates from the quotes: a class without a price for every parcel is left out, and said so on
 * the others. When no class has one, USPS's answer cannot be shown at all: malformed.
 */
function toRates(ctx: CarrierContext, quotes: ServiceQuote[]): CarrierRate[] {
  const missing = quotes.flatMap((q) => ('reason' in q ? [`${q.service.name}: ${q.reason}`] : []));
  const rates = quotes.flatMap((q) => ('reason' in q ? [] : [combineParcels(q.service, q.prices, missing)]));
  if (rates.length === 0 && missing.length > 0) throw unreadableAnswer(ctx, 200, missing.join('; '));
  return rates;
}

export async function rate(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]> {
  const origin = usZip(req.shipper.postalCode);
  if (!origin) throw refuse(ctx, 'ORIGIN_ZIP', 'USPS needs a US origin ZIP code (shipper.postalCode)');
  const services = candidateServices(req, ctx.account.settings);
  if (services.length === 0) return [];
  const domestic = services.some((s) => s.scope === 'domestic');
  if (domestic && !usZip(req.recipient.postalCode)) {
    throw refuse(ctx, 'DESTINATION_ZIP', 'USPS needs a US destination ZIP code (recipient.postalCode)');
  }
  const api = rateApiOf(ctx);
  const input = { services, originZip: origin.ZIPCode };
  if (api === 'shipping-options') return toRates(ctx, await optionRates(ctx, req, input));
  if (api === 'total-rates' && domestic) return toRates(ctx, await totalRates(ctx, req, input));
  return toRates(ctx, await baseRates(ctx, req, input));
}
