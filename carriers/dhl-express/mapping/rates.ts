/**
 * Unified rate request <-> MyDHL `POST /rates` (the multi-piece form; the GET form only
 * takes one piece). Prices come as JSON numbers in several currencies (`totalPrice[]` with
 * currencyType BILLC billing, PULCL pickup-local, BASEC base): the billing currency is the
 * price the account pays.
 */
import { z } from '@hono/zod-openapi';
import type { CarrierRate, UpstreamRequest } from '../../../src/carrier/definition.ts';
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

const num = z.union([z.number(), z.string()]);

const Price = z.looseObject({
  currencyType: z.string(),
  priceCurrency: z.string().optional(),
  price: num.optional(),
});
const PriceBreakdown = z.looseObject({
  currencyType: z.string(),
  priceCurrency: z.string().optional(),
  priceBreakdown: z
    .array(z.looseObject({ typeCode: z.string().optional(), price: num.optional() }))
    .optional(),
});
const Product = z.looseObject({
  productName: z.string().optional(),
  productCode: z.string(),
  localProductCode: z.string().optional(),
  totalPrice: z.array(Price).optional(),
  totalPriceBreakdown: z.array(PriceBreakdown).optional(),
  deliveryCapabilities: z.looseObject({ totalTransitDays: num.optional() }).optional(),
});
export const RatesResponse = z.looseObject({ products: z.array(Product).optional() });

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

export function parseRates(json: unknown, domestic: boolean): CarrierRate[] {
  const parsed = RatesResponse.safeParse(json);
  if (!parsed.success) throw new TypeError('DHL Express rates answer does not have the documented shape');
  const rates: CarrierRate[] = [];
  for (const product of parsed.data.products ?? []) {
    const picked = pickPrice(product.totalPrice ?? []);
    // "prices (where applicable)": a product without a price is a capability, not a rate.
    if (!picked || Number(picked.total.amount) === 0) continue;
    const known = serviceByCode(product.productCode);
    const name = product.productName ?? known?.name ?? product.productCode;
    const rate: CarrierRate = {
      service: { code: product.productCode, name, level: known?.level ?? levelFromName(name, domestic) },
      total: picked.total,
    };
    const breakdown = product.totalPriceBreakdown?.find((b) => b.currencyType === picked.currencyType);
    if (breakdown?.priceBreakdown?.length) {
      rate.breakdown = breakdown.priceBreakdown
        .filter((item) => item.price !== undefined)
        .map((item) => ({
          label: item.typeCode ?? 'charge',
          amount: money(item.price!, breakdown.priceCurrency ?? picked.total.currency),
        }));
    }
    const days = product.deliveryCapabilities?.totalTransitDays;
    if (days !== undefined && /^\d+$/.test(String(days))) rate.estimatedDays = Number(days);
    rates.push(rate);
  }
  return rates;
}
