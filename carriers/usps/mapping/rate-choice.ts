/**
 * Choosing and checking USPS prices. Total rates and shipping options answer every eligible
 * option (rate indicators, entry facilities, flat-rate containers...) in one call; the price
 * shown is the option the label would be bought with: same mail class, rate indicator and
 * entry facility. The mail class is verified on every price: an option whose rates name
 * another class is never shown as the class asked for.
 */
import { compareMoney, money, sumMoney } from '../../../src/domain/money.ts';
import type { Money } from '../../../src/domain/shipment.ts';
import type { RateDetails, RateOption } from './wire.ts';

/** One parcel's price in one mail class: total, breakdown and warnings, in USD. */
export interface ParcelPrice {
  total: Money;
  breakdown: { label: string; amount: Money }[];
  warnings: string[];
  /** Days from the commitment ("2 Days"), when the answer has one. */
  days?: number | undefined;
}

/** What a price must match to be the one the label is bought with. */
export interface PriceKey {
  mailClass: string;
  rateIndicator: string;
  /** Entry facilities in order of preference (the label's first). */
  entryFacilities: readonly string[];
}

/** The mail class a price names, when it names one (every rate of it must agree). */
export function namedClass(rates: readonly RateDetails[]): string | undefined | 'MIXED' {
  const classes = new Set(rates.flatMap((r) => (r.mailClass ? [r.mailClass] : [])));
  if (classes.size > 1) return 'MIXED';
  return [...classes][0];
}

/** True when the price may be shown as `mailClass`: its rates name that class, or none. */
export const isClass = (rates: readonly RateDetails[], mailClass: string): boolean => {
  const named = namedClass(rates);
  return named === undefined || named === mailClass;
};

const matches = (option: RateOption, key: PriceKey, facility: string): boolean =>
  option.rates.every(
    (r) =>
      (r.rateIndicator === undefined || r.rateIndicator === key.rateIndicator) &&
      (r.destinationEntryFacilityType === undefined || r.destinationEntryFacilityType === facility),
  );

const daysOf = (name: string | undefined): number | undefined => {
  const m = /^(\d+)\s*-?\s*Days?$/i.exec(name?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
};

/** The price of one option: its totalPrice when given, else base plus extra services. */
export function priceOfOption(option: RateOption): ParcelPrice {
  const breakdown: ParcelPrice['breakdown'] = [];
  const warnings: string[] = [];
  for (const rate of option.rates) {
    if (rate.price !== undefined) breakdown.push({ label: 'postage', amount: money(rate.price, 'USD') });
    for (const fee of rate.fees)
      breakdown.push({ label: fee.name ?? 'fee', amount: money(fee.price, 'USD') });
    for (const w of rate.warnings) if (w.warningDescription) warnings.push(w.warningDescription);
  }
  const extras = option.extraServices.flatMap((s) => (s.price === undefined ? [] : [{ s, price: s.price }]));
  for (const { s, price } of extras) {
    breakdown.push({
      label: s.name ?? s.serviceName ?? `extra service ${s.extraService ?? ''}`.trim(),
      amount: money(price, 'USD'),
    });
  }
  for (const s of option.extraServices)
    for (const w of s.warnings) if (w.warningDescription) warnings.push(w.warningDescription);
  const total =
    option.totalPrice !== undefined
      ? money(option.totalPrice, 'USD')
      : sumMoney([money(option.totalBasePrice, 'USD'), ...extras.map((e) => money(e.price, 'USD'))]);
  return { total, breakdown, warnings: [...new Set(warnings)], days: daysOf(option.commitment?.name) };
}

/**
 * The option of `key`'s class the label would be bought with, cheapest first. Undefined with
 * a reason when the answer has none: no price is better than another service's price.
 */
export function chooseOption(
  options: readonly RateOption[],
  key: PriceKey,
  /** Options answering several classes at once must name theirs (total rates). */
  mustName = false,
): { price: ParcelPrice } | { reason: string } {
  const ofClass = options.filter((o) =>
    mustName ? namedClass(o.rates) === key.mailClass : isClass(o.rates, key.mailClass),
  );
  for (const facility of key.entryFacilities) {
    const usable = ofClass.filter((o) => matches(o, key, facility)).map(priceOfOption);
    usable.sort((a, b) => compareMoney(a.total, b.total));
    const best = usable[0];
    if (best) return { price: best };
  }
  return {
    reason:
      ofClass.length === 0
        ? `USPS answered no ${key.mailClass} price`
        : `USPS answered no ${key.mailClass} price with rate indicator ${key.rateIndicator} entered at ${key.entryFacilities.join(' or ')}`,
  };
}
