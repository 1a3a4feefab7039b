/** Money as decimal strings with a currency: parsing carrier amounts, summing, sorting. */
import { addDecimal, compareDecimal, formatDecimal, parseDecimal, roundDecimal } from './decimal.ts';
import type { Money } from './shipment.ts';

/** Minor-unit digits of currencies that do not use two (ISO 4217). */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};

export const minorDigits = (currency: string): number => MINOR_DIGITS[currency] ?? 2;

/** Builds Money from a carrier amount (string or number as the wire gave it), normalised to the currency's digits. */
export function money(amount: string | number, currency: string): Money {
  const code = currency.toUpperCase();
  return { amount: formatDecimal(roundDecimal(parseDecimal(amount), minorDigits(code))), currency: code };
}

/** Sum of amounts in one currency; throws when currencies differ (no implicit FX). */
export function sumMoney(items: readonly Money[]): Money {
  const first = items[0];
  if (!first) throw new RangeError('cannot sum no amounts');
  let total = parseDecimal('0');
  for (const item of items) {
    if (item.currency !== first.currency)
      throw new RangeError(`cannot add ${item.currency} to ${first.currency}`);
    total = addDecimal(total, parseDecimal(item.amount));
  }
  return {
    amount: formatDecimal(roundDecimal(total, minorDigits(first.currency))),
    currency: first.currency,
  };
}

/** Orders by currency, then amount: amounts in different currencies are never compared as numbers. */
export function compareMoney(a: Money, b: Money): number {
  if (a.currency !== b.currency) return a.currency < b.currency ? -1 : 1;
  return compareDecimal(parseDecimal(a.amount), parseDecimal(b.amount));
}
