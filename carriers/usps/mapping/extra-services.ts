/**
 * Unified shipment options as USPS extra service codes (usps_prices.yaml TotalRatesExtraServices,
 * shipping-options.yaml ExtraService): asked for in rates so the price includes them, and on
 * the label so what is bought is what was quoted.
 */
import { compareDecimal, decimalToNumber, parseDecimal } from '../../../src/domain/decimal.ts';
import type { ShipmentOptions } from '../../../src/domain/shipment.ts';

export const EXTRA = {
  signatureConfirmation: 921,
  /** Priority Mail Express only. */
  signatureRequested: 981,
  insuranceUpTo500: 930,
  insuranceOver500: 931,
  /** Priority Mail Express only. */
  expressMerchandiseInsurance: 925,
} as const;

const isExpress = (mailClass: string): boolean => mailClass.startsWith('PRIORITY_MAIL_EXPRESS');

/** The extra service codes of the options for one mail class; empty when none applies. */
export function extraServiceCodes(options: ShipmentOptions | undefined, mailClass: string): number[] {
  const codes: number[] = [];
  const international = mailClass.includes('INTERNATIONAL');
  if (options?.signature && !international) {
    codes.push(isExpress(mailClass) ? EXTRA.signatureRequested : EXTRA.signatureConfirmation);
  }
  const insured = options?.insuredValue;
  if (insured && insured.currency === 'USD') {
    const over500 = compareDecimal(parseDecimal(insured.amount), parseDecimal('500')) > 0;
    if (isExpress(mailClass) && !international) codes.push(EXTRA.expressMerchandiseInsurance);
    else codes.push(over500 ? EXTRA.insuranceOver500 : EXTRA.insuranceUpTo500);
  }
  return codes;
}

/** The merchandise value in US dollars (insurance needs it), as the JSON number USPS takes. */
export function packageValue(options: ShipmentOptions | undefined): number | undefined {
  const insured = options?.insuredValue;
  return insured && insured.currency === 'USD' ? decimalToNumber(parseDecimal(insured.amount)) : undefined;
}
