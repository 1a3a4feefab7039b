/**
 * USPS base rates: POST /prices/v3/base-rates/search (usps_prices.yaml BaseRatesQuery) and POST
 * /international-prices/v3/base-rates/search (same answer shape, the destination named by
 * destinationCountryCode and foreignPostalCode). One search prices one package in one mail
 * class, so every candidate class and parcel is asked; each answer's `rates[].mailClass` must
 * be the class asked for, or the price is left out.
 */

import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { interpretAnswer } from '../../../src/carrier/outcomes.ts';
import { isCarrierError } from '../../../src/domain/failure.ts';
import type { Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import { usZip } from './address.ts';
import { entryFacilityFor, rateIndicatorFor } from './mail-classes.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { isClass, namedClass, type ParcelPrice, priceOfOption } from './rate-choice.ts';
import type { ServiceQuote } from './rates.ts';
import { BaseRateOption } from './wire.ts';

export const DOMESTIC_RATES_PATH = '/prices/v3/base-rates/search';
export const INTERNATIONAL_RATES_PATH = '/international-prices/v3/base-rates/search';

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
    rateIndicator: rateIndicatorFor(input.service.code),
    destinationEntryFacilityType:
      input.service.scope === 'international' ? 'NONE' : entryFacilityFor(input.service.code, input.settings),
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

/** A base-rates answer as one parcel's price in `mailClass`, or why it is not one. */
export function parseBaseRates(json: unknown, mailClass: string): ParcelPrice | { reason: string } {
  const read = readBody(BaseRateOption, json);
  if (!isClass(read.value.rates, mailClass)) {
    return {
      reason: `USPS answered a price labelled ${namedClass(read.value.rates)} when ${mailClass} was asked for`,
    };
  }
  const price = priceOfOption({ ...read.value, extraServices: [] });
  return { ...price, warnings: [...read.warnings, ...price.warnings] };
}

async function quoteService(
  ctx: CarrierContext,
  req: RateRequest,
  service: ServiceDefinition,
  originZip: string,
): Promise<ServiceQuote> {
  const path = service.scope === 'international' ? INTERNATIONAL_RATES_PATH : DOMESTIC_RATES_PATH;
  const answers = await Promise.all(
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
      return interpretAnswer(ctx, res, (json) => parseBaseRates(json, service.code));
    }),
  );
  const refused = answers.find((a): a is { reason: string } => 'reason' in a);
  if (refused) return { service, reason: refused.reason };
  return { service, prices: answers as ParcelPrice[] };
}

/**
 * Every candidate class, one search per class and parcel. A class USPS refuses for this
 * package (030004 weight does not qualify...) is simply not offered; anything else (auth,
 * throttling, outage) fails the whole quote.
 */
export async function baseRates(
  ctx: CarrierContext,
  req: RateRequest,
  input: { services: ServiceDefinition[]; originZip: string },
): Promise<ServiceQuote[]> {
  const settled = await Promise.allSettled(
    input.services.map((s) => quoteService(ctx, req, s, input.originZip)),
  );
  const quotes: ServiceQuote[] = [];
  const refusals: unknown[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') quotes.push(outcome.value);
    else if (isCarrierError(outcome.reason) && outcome.reason.failureClass === 'rejected')
      refusals.push(outcome.reason);
    else throw outcome.reason;
  }
  if (quotes.length === 0 && refusals.length > 0) throw refusals[0];
  return quotes;
}
