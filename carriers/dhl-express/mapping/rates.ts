/**
 * Unified rate request <-> MyDHL `POST /rates` (the multi-piece form; the GET form only
 * takes one piece). Prices come as JSON numbers in several currencies (`totalPrice[]` with
 * currencyType BILLC billing, PULCL pickup-local, BASEC base): the billing currency is the
 * price the account pays.
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierRate, UpstreamRequest } from '../../../src/carrier/definition.ts';
import { unknownService } from '../../../src/carrier/services.ts';
import { amount, currency, openEnum, optionalList, text, wholeNumber } from '../../../src/carrier/wire.ts';
import { decimalToNumber, parseDecimal } from '../../../src/domain/decimal.ts';
import { money } from '../../../src/domain/money.ts';
import type { Money, RateRequest, ServiceLevel } from '../../../src/domain/shipment.ts';
import { serviceByCode } from '../profile.ts';
import { isCustomsDeclarable } from './customs.ts';
import {
  JSON_HEADERS,
  metricPackage,
  mydhlHeaders,
  plannedShippingDateAndTime,
  postalAddress,
} from './wire.ts';

export function buildRateRequest(req: RateRequest, accountNumber: string, now?: Date): UpstreamRequest {
  const declarable = isCustomsDeclarable(req.shipper.countryCode, req.recipient.countryCode);
  const body: Record<string, unknown> = {
    customerDetails: {
      shipperDetails: postalAddress(req.shipper),
      receiverDetails: postalAddress(req.recipient),
    },
    accounts: [{ typeCode: 'shipper', number: accountNumber }],
    plannedShippingDateAndTime: plannedShippingDateAndTime(req.shipDate, now),
    unitOfMeasurement: 'metric',
    isCustomsDeclarable: declarable,
    nextBusinessDay: true,
    packages: req.parcels.map(metricPackage),
  };
  const insured = req.options?.insuredValue;
  if (insured && declarable) {
    body.monetaryAmount = [
      {
        typeCode: 'declaredValue',
        value: decimalToNumber(parseDecimal(insured.amount)),
        currency: insured.currency,
      },
    ];
  }
  return {
    method: 'POST',
    path: '/rates',
    headers: { ...mydhlHeaders(), ...JSON_HEADERS },
    body: JSON.stringify(body),
    operation: 'rate',
  };
}

const CURRENCY_TYPES = ['BILLC', 'PULCL', 'BASEC', 'INVCU'] as const;

const Price = z.looseObject({
  currencyType: openEnum('DHL Express currency type', CURRENCY_TYPES),
  priceCurrency: currency.optional(),
  price: amount.optional(),
});
const PriceBreakdown = z.looseObject({
  currencyType: text,
  priceCurrency: currency.optional(),
  priceBreakdown: optionalList(z.looseObject({ typeCode: text.optional(), price: amount.optional() })),
});
const Product = z.looseObject({
  productName: text.optional(),
  productCode: text,
  localProductCode: text.optional(),
  totalPrice: optionalList(Price),
  totalPriceBreakdown: optionalList(PriceBreakdown),
  deliveryCapabilities: z.looseObject({ totalTransitDays: wholeNumber.optional() }).optional(),
});
export const RatesResponse = z.looseObject({ products: optionalList(Product) });

/** Level of a product code the profile does not list, from DHL's naming. */
function levelFromName(name: string, domestic: boolean): ServiceLevel {
  const n = name.toUpperCase();
  if (n.includes('ECONOMY')) return 'economy';
  return domestic || n.includes('DOMESTIC') ? 'overnight' : 'express';
}

/** BILLC first (what the account is billed), then any priced entry. */
function pickPrice(prices: z.infer<typeof Price>[]): { currencyType: string; total: Money } | undefined {
  const ordered = [...prices].sort(
    (a, b) => Number(b.currencyType === 'BILLC') - Number(a.currencyType === 'BILLC'),
  );
  for (const p of ordered) {
    if (p.price === undefined || !p.priceCurrency) continue;
    return { currencyType: p.currencyType, total: money(p.price, p.priceCurrency) };
  }
  return undefined;
}

/** Reads a rates answer by the kit's tolerant rule (UnreadableBodyError when it is not one). */
export function parseRates(json: unknown, domestic: boolean): CarrierRate[] {
  const read = readBody(RatesResponse, json);
  const rates: CarrierRate[] = [];
  for (const product of read.value.products) {
    const picked = pickPrice(product.totalPrice);
    // "prices (where applicable)": a product without a price is a capability, not a rate.
    if (!picked || Number(picked.total.amount) === 0) continue;
    const known = serviceByCode(product.productCode);
    const name = product.productName ?? known?.name ?? product.productCode;
    const warnings = [...read.warnings];
    // A product code the profile does not know is kept as DHL named it, with a warning.
    if (!known) warnings.push(unknownService(product.productCode, name, 'DHL Express').warning);
    const rate: CarrierRate = {
      service: { code: product.productCode, name, level: known?.level ?? levelFromName(name, domestic) },
      total: picked.total,
      ...(warnings.length ? { warnings } : {}),
    };
    const breakdown = product.totalPriceBreakdown.find((b) => b.currencyType === picked.currencyType);
    if (breakdown?.priceBreakdown.length) {
      rate.breakdown = breakdown.priceBreakdown
        .filter((item) => item.price !== undefined)
        .map((item) => ({
          label: item.typeCode ?? 'charge',
          amount: money(item.price!, breakdown.priceCurrency ?? picked.total.currency),
        }));
    }
    const days = product.deliveryCapabilities?.totalTransitDays;
    if (days !== undefined) rate.estimatedDays = days;
    rates.push(rate);
  }
  return rates;
}
