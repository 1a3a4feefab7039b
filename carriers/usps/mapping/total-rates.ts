/**
 * USPS total rates: POST /prices/v3/total-rates/search (usps_prices.yaml TotalRatesQuery, a
 * RateListQuery with `mailClasses`, `itemValue` and `extraServices`). One call per parcel
 * answers every eligible option of the classes asked for, extra services priced and summed in
 * `totalPrice`. Domestic only.
 */
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { interpretAnswer } from '../../../src/carrier/outcomes.ts';
import type { Parcel, RateRequest } from '../../../src/domain/shipment.ts';
import { usZip } from './address.ts';
import { extraServiceCodes, packageValue } from './extra-services.ts';
import { priceFacilitiesFor, rateIndicatorFor } from './mail-classes.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { chooseOption, type ParcelPrice } from './rate-choice.ts';
import type { ServiceQuote } from './rates.ts';
import { quotesFrom } from './shipping-options.ts';
import { TotalRatesResult } from './wire.ts';

export const TOTAL_RATES_PATH = '/prices/v3/total-rates/search';

export function buildTotalRatesQuery(
  req: RateRequest,
  parcel: Parcel,
  services: readonly ServiceDefinition[],
  originZip: string,
  settings: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const pkg = toUspsPackage(parcel);
  const value = packageValue(req.options);
  const extras = extraServiceCodes(req.options, services.length === 1 ? (services[0]?.code ?? '') : 'ALL');
  return {
    originZIPCode: originZip,
    destinationZIPCode: usZip(req.recipient.postalCode)?.ZIPCode,
    weight: wireNumber(pkg.weight),
    length: wireNumber(pkg.length),
    width: wireNumber(pkg.width),
    height: wireNumber(pkg.height),
    mailClasses: services.map((s) => s.code),
    priceType: settings.accountNumber ? 'CONTRACT' : 'COMMERCIAL',
    ...(req.shipDate ? { mailingDate: req.shipDate } : {}),
    ...(settings.accountNumber
      ? { accountType: settings.accountType ?? 'EPS', accountNumber: settings.accountNumber }
      : {}),
    ...(value !== undefined ? { itemValue: value } : {}),
    ...(extras.length ? { extraServices: extras } : {}),
  };
}

function pricesOf(
  json: unknown,
  services: readonly ServiceDefinition[],
  settings: Readonly<Record<string, string>>,
): Map<string, ParcelPrice | { reason: string }> {
  const read = readBody(TotalRatesResult, json);
  const out = new Map<string, ParcelPrice | { reason: string }>();
  for (const service of services) {
    const chosen = chooseOption(
      read.value.rateOptions,
      {
        mailClass: service.code,
        rateIndicator: rateIndicatorFor(service.code),
        entryFacilities: priceFacilitiesFor(service.code, settings),
      },
      true,
    );
    out.set(
      service.code,
      'reason' in chosen
        ? chosen
        : { ...chosen.price, warnings: [...read.warnings, ...chosen.price.warnings] },
    );
  }
  return out;
}

export async function totalRates(
  ctx: CarrierContext,
  req: RateRequest,
  input: { services: ServiceDefinition[]; originZip: string },
): Promise<ServiceQuote[]> {
  const domestic = input.services.filter((s) => s.scope !== 'international');
  const perParcel = await Promise.all(
    req.parcels.map(async (parcel) => {
      const res = await ctx.request({
        method: 'POST',
        path: TOTAL_RATES_PATH,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(
          buildTotalRatesQuery(req, parcel, domestic, input.originZip, ctx.account.settings),
        ),
        operation: 'rate',
      });
      return interpretAnswer(ctx, res, (json) => pricesOf(json, domestic, ctx.account.settings));
    }),
  );
  return quotesFrom(domestic, perParcel);
}
