/**
 * Unified rate request -> USPS base-rates searches and back. One search prices one package
 * in one mail class, so the mapping asks for every candidate mail class and parcel, and sums
 * each class over the parcels. Domestic: POST /prices/v3/base-rates/search (usps_prices.yaml);
 * international: POST /international-prices/v3/base-rates/search (same answer shape, the
 * destination named by destinationCountryCode and foreignPostalCode).
 */
import type { CarrierContext, CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { isCarrierError } from '../../../src/domain/failure.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { Money, Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import { isDomestic, USPS_SERVICES } from '../profile.ts';
import { usZip } from './address.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { refuse, unreadable } from './refuse.ts';
import { BaseRateOption } from './wire.ts';

export const DOMESTIC_RATES_PATH = '/prices/v3/base-rates/search';
export const INTERNATIONAL_RATES_PATH = '/international-prices/v3/base-rates/search';

/** Rate indicator per mail class: PA is Priority Mail Express single piece, SP single piece. */
const RATE_INDICATOR: Record<string, string> = { PRIORITY_MAIL_EXPRESS: 'PA' };

export interface RateQueryInput {
  service: ServiceDefinition;
  parcel: Parcel;
  originZip: string;
  destination: { countryCode: string; postalCode?: string | undefined };
  settings: Readonly<Record<string, string>>;
  mailingDate?: string | undefined;
}

/** The BaseRatesQuery body (domestic) or its international equivalent. */
export function buildRateQuery(input: RateQueryInput): Record<string, unknown> {
  const pkg = toUspsPackage(input.parcel);
  const query: Record<string, unknown> = { originZIPCode: input.originZip };
  if (input.service.scope === 'international') {
    query.destinationCountryCode = input.destination.countryCode;
    if (input.destination.postalCode) query.foreignPostalCode = input.destination.postalCode;
  } else {
    query.destinationZIPCode = usZip(input.destination.postalCode)?.ZIPCode;
  }
  Object.assign(query, {
    weight: wireNumber(pkg.weight),
    length: wireNumber(pkg.length),
    width: wireNumber(pkg.width),
    height: wireNumber(pkg.height),
    mailClass: input.service.code,
    processingCategory: pkg.processingCategory,
    rateIndicator: RATE_INDICATOR[input.service.code] ?? 'SP',
    destinationEntryFacilityType: 'NONE',
    priceType: 'COMMERCIAL',
  });
  if (input.mailingDate) query.mailingDate = input.mailingDate;
  // An account number makes USPS answer the contract rates of that account, when it has some.
  if (input.settings.accountNumber) {
    query.accountType = input.settings.accountType ?? 'EPS';
    query.accountNumber = input.settings.accountNumber;
  }
  return query;
}

/** One parsed base-rates answer: total, breakdown and warnings, in USD. */
export interface ParcelPrice {
  total: Money;
  breakdown: { label: string; amount: Money }[];
  warnings: string[];
}

export function parseBaseRates(json: unknown): ParcelPrice | undefined {
  const parsed = BaseRateOption.safeParse(json);
  if (!parsed.success) return undefined;
  const breakdown: ParcelPrice['breakdown'] = [];
  const warnings: string[] = [];
  for (const rate of parsed.data.rates ?? []) {
    if (rate.price !== undefined) breakdown.push({ label: 'postage', amount: money(rate.price, 'USD') });
    for (const fee of rate.fees ?? [])
      breakdown.push({ label: fee.name ?? 'fee', amount: money(fee.price, 'USD') });
    for (const w of rate.warnings ?? []) if (w.warningDescription) warnings.push(w.warningDescription);
  }
  return { total: money(parsed.data.totalBasePrice, 'USD'), breakdown, warnings };
}

/** Sums per-parcel prices of one mail class: totals, same-label breakdown lines, unique warnings. */
export function combineParcels(service: ServiceDefinition, prices: ParcelPrice[]): CarrierRate {
  const byLabel = new Map<string, Money[]>();
  for (const line of prices.flatMap((p) => p.breakdown)) {
    byLabel.set(line.label, [...(byLabel.get(line.label) ?? []), line.amount]);
  }
  const rate: CarrierRate = {
    service: { code: service.code, name: service.name, level: service.level },
    total: sumMoney(prices.map((p) => p.total)),
    breakdown: [...byLabel].map(([label, amounts]) => ({ label, amount: sumMoney(amounts) })),
  };
  if (service.transitDays !== undefined) rate.estimatedDays = service.transitDays;
  const warnings = [...new Set(prices.flatMap((p) => p.warnings))];
  if (warnings.length) rate.warnings = warnings;
  return rate;
}

async function quoteService(
  ctx: CarrierContext,
  req: RateRequest,
  service: ServiceDefinition,
  originZip: string,
): Promise<CarrierRate> {
  const path = service.scope === 'international' ? INTERNATIONAL_RATES_PATH : DOMESTIC_RATES_PATH;
  const prices = await Promise.all(
    req.parcels.map(async (parcel) => {
      const body = buildRateQuery({
        service,
        parcel,
        originZip,
        destination: { countryCode: req.recipient.countryCode, postalCode: req.recipient.postalCode },
        settings: ctx.account.settings,
        mailingDate: req.shipDate,
      });
      const res = await ctx.request({
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        operation: 'rate',
      });
      const price = parseBaseRates(res.json());
      if (!price) throw malformedAnswer(ctx, res.status);
      return price;
    }),
  );
  return combineParcels(service, prices);
}

const malformedAnswer = (ctx: CarrierContext, status: number) =>
  unreadable(
    ctx,
    'MALFORMED_RATE',
    `USPS answered HTTP ${status} without a readable price`,
    'rejected',
    status,
  );

/** The mail classes to quote: the route's scope, filtered by the requested unified levels. */
export function candidateServices(req: RateRequest): ServiceDefinition[] {
  const scope = isDomestic(req.shipper.countryCode, req.recipient.countryCode) ? 'domestic' : 'international';
  return USPS_SERVICES.filter(
    (s) => (s.scope === scope || s.scope === 'both') && (!req.services || req.services.includes(s.level)),
  );
}

export async function rate(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]> {
  const origin = usZip(req.shipper.postalCode);
  if (!origin) throw refuse(ctx, 'ORIGIN_ZIP', 'USPS needs a US origin ZIP code (shipper.postalCode)');
  const services = candidateServices(req);
  if (services.some((s) => s.scope === 'domestic') && !usZip(req.recipient.postalCode)) {
    throw refuse(ctx, 'DESTINATION_ZIP', 'USPS needs a US destination ZIP code (recipient.postalCode)');
  }
  const settled = await Promise.allSettled(services.map((s) => quoteService(ctx, req, s, origin.ZIPCode)));
  const rates: CarrierRate[] = [];
  const refusals: unknown[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') rates.push(outcome.value);
    // A mail class USPS refuses for this package (030004 weight does not qualify...) is
    // simply not offered; anything else (auth, throttling, outage) fails the whole quote.
    else if (isCarrierError(outcome.reason) && outcome.reason.failureClass === 'rejected')
      refusals.push(outcome.reason);
    else throw outcome.reason;
  }
  if (rates.length === 0 && refusals.length > 0) throw refusals[0];
  return rates;
}
