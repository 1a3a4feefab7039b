/**
 * USPS Shipping Options v3: POST /shipments/v3/options/search (the official spec as vendored
 * at karrioapi/karrio@deea10f85:modules/connectors/usps/vendor/shipping-options.yaml). One call
 * per parcel answers every eligible mail class, each with its rate options (rate indicator,
 * entry facility, commitment) and the requested extra services priced. Domestic and
 * international requests differ only in the destination.
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
import { type RateOption, ShippingOptionsResult } from './wire.ts';

export const SHIPPING_OPTIONS_PATH = '/shipments/v3/options/search';

/** Contract prices when the account has an account number, else commercial ones. */
export function pricingOption(settings: Readonly<Record<string, string>>): Record<string, unknown> {
  if (!settings.accountNumber) return { priceType: 'COMMERCIAL' };
  return {
    priceType: 'CONTRACT',
    paymentAccount: { accountType: settings.accountType ?? 'EPS', accountNumber: settings.accountNumber },
  };
}

/** The OptionsRequest for one parcel: one class, or every outbound class ('ALL_OUTBOUND' / 'ALL'). */
export function buildOptionsRequest(
  req: RateRequest,
  parcel: Parcel,
  services: readonly ServiceDefinition[],
  originZip: string,
  settings: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const international = services.every((s) => s.scope === 'international');
  const single = services.length === 1 ? services[0] : undefined;
  const mailClass = single?.code ?? (international ? 'ALL' : 'ALL_OUTBOUND');
  const pkg = toUspsPackage(parcel);
  const value = packageValue(req.options);
  const extras = extraServiceCodes(req.options, single?.code ?? (international ? 'INTERNATIONAL' : 'ALL'));
  const packageDescription: Record<string, unknown> = {
    mailClass,
    weight: wireNumber(pkg.weight),
    length: wireNumber(pkg.length),
    width: wireNumber(pkg.width),
    height: wireNumber(pkg.height),
    ...(extras.length ? { extraServices: extras } : {}),
    ...(value !== undefined ? { packageValue: value } : {}),
    ...(req.shipDate ? { mailingDate: req.shipDate } : {}),
  };
  const destination = international
    ? {
        destinationCountryCode: req.recipient.countryCode,
        ...(req.recipient.postalCode ? { foreignPostalCode: req.recipient.postalCode } : {}),
      }
    : { destinationZIPCode: usZip(req.recipient.postalCode)?.ZIPCode };
  return {
    pricingOptions: [pricingOption(settings)],
    originZIPCode: originZip,
    ...destination,
    ...(international ? {} : { destinationEntryFacilityType: 'NONE' }),
    packageDescription,
  };
}

/**
 * The rate options of an answer by the class each option's rates name (an option whose rates
 * name no class belongs to its shipping option's class; the kit verifies the rest).
 */
export function optionsByClass(json: unknown): { byClass: Map<string, RateOption[]>; warnings: string[] } {
  const read = readBody(ShippingOptionsResult, json);
  const byClass = new Map<string, RateOption[]>();
  for (const pricing of read.value.pricingOptions) {
    for (const shipping of pricing.shippingOptions) {
      for (const option of shipping.rateOptions) {
        const named = option.rates.find((r) => r.mailClass)?.mailClass ?? shipping.mailClass;
        if (!named) continue;
        byClass.set(named, [...(byClass.get(named) ?? []), option]);
      }
    }
  }
  return { byClass, warnings: read.warnings };
}

/** One parcel's price per candidate class, from one shipping options answer. */
function pricesOf(
  json: unknown,
  services: readonly ServiceDefinition[],
  settings: Readonly<Record<string, string>>,
): Map<string, ParcelPrice | { reason: string }> {
  const { byClass, warnings } = optionsByClass(json);
  const out = new Map<string, ParcelPrice | { reason: string }>();
  for (const service of services) {
    const chosen = chooseOption(byClass.get(service.code) ?? [], {
      mailClass: service.code,
      rateIndicator: rateIndicatorFor(service.code),
      entryFacilities: priceFacilitiesFor(service.code, settings),
    });
    out.set(
      service.code,
      'reason' in chosen ? chosen : { ...chosen.price, warnings: [...warnings, ...chosen.price.warnings] },
    );
  }
  return out;
}

export async function optionRates(
  ctx: CarrierContext,
  req: RateRequest,
  input: { services: ServiceDefinition[]; originZip: string },
): Promise<ServiceQuote[]> {
  const perParcel = await Promise.all(
    req.parcels.map(async (parcel) => {
      const res = await ctx.request({
        method: 'POST',
        path: SHIPPING_OPTIONS_PATH,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(
          buildOptionsRequest(req, parcel, input.services, input.originZip, ctx.account.settings),
        ),
        operation: 'rate',
      });
      return interpretAnswer(ctx, res, (json) => pricesOf(json, input.services, ctx.account.settings));
    }),
  );
  return quotesFrom(input.services, perParcel);
}

/** Per-class quotes from per-parcel prices: a class needs a price for every parcel. */
export function quotesFrom(
  services: readonly ServiceDefinition[],
  perParcel: readonly Map<string, ParcelPrice | { reason: string }>[],
): ServiceQuote[] {
  return services.map((service) => {
    const prices = perParcel.map((m) => m.get(service.code) ?? { reason: 'no price' });
    const refused = prices.find((p): p is { reason: string } => 'reason' in p);
    return refused ? { service, reason: refused.reason } : { service, prices: prices as ParcelPrice[] };
  });
}
