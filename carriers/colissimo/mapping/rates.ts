/**
 * Rates from the dated table (Colissimo has no rating API): per parcel, the band whose upper
 * bound holds the billed weight (kg, 2 decimals, rounded up), summed exactly in decimal.
 */
import type { CarrierContext, CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { compareDecimal, parseDecimal } from '../../../src/domain/decimal.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { Money, RateRequest } from '../../../src/domain/shipment.ts';
import { CARRIER_ID } from '../profile.ts';
import { RATE_TABLE, type RateTable, type ZoneTable } from '../rate-table.ts';
import { serviceByCode } from '../services.ts';
import { type ZoneName, zoneOf } from '../zones.ts';
import { toKg } from './labels.ts';

interface Offer {
  code: string;
  table: ZoneTable;
  signature: boolean;
}

/** Which products the price list quotes to a zone. */
function offersFor(zone: ZoneName, table: RateTable): Offer[] {
  const home = table.home[zone];
  if (zone === 'om1' || zone === 'om2')
    return [
      { code: 'COM', table: home, signature: false },
      { code: 'CDS', table: home, signature: true },
      { code: 'ECO', table: table.ecoOutreMer[zone], signature: false },
    ];
  return [
    { code: 'DOM', table: home, signature: false },
    { code: 'DOS', table: home, signature: true },
  ];
}

/** The price of one parcel of `kg` in a zone table; undefined above its last band. */
export function bandPrice(table: ZoneTable, kg: string): string | undefined {
  const weight = parseDecimal(kg);
  return table.bands.find((b) => compareDecimal(weight, parseDecimal(b.maxKg)) <= 0)?.price;
}

/** Pure table lookup: every service the table quotes for the request. */
export function quote(req: RateRequest, table: RateTable = RATE_TABLE): CarrierRate[] {
  const zone = zoneOf(req.recipient.countryCode);
  const weights = req.parcels.map((p) => toKg(p.weight));
  const rates: CarrierRate[] = [];
  for (const offer of offersFor(zone, table)) {
    const service = serviceByCode(offer.code) as ServiceDefinition;
    if (req.services && !req.services.includes(service.level)) continue;
    const prices = weights.map((kg) => bandPrice(offer.table, kg));
    if (prices.some((p) => p === undefined)) continue;
    const breakdown: { label: string; amount: Money }[] = prices.map((p, i) => ({
      label: `parcel ${i + 1} (${weights[i]} kg, ${zone})`,
      amount: money(p as string, table.currency),
    }));
    if (offer.signature)
      for (let i = 0; i < prices.length; i++)
        breakdown.push({
          label: `signature parcel ${i + 1}`,
          amount: money(table.signatureSurcharge.price, table.currency),
        });
    const rate: CarrierRate = {
      service: { code: service.code, name: service.name, level: service.level },
      total: sumMoney(breakdown.map((b) => b.amount)),
      breakdown,
    };
    if (service.transitDays !== undefined) rate.estimatedDays = service.transitDays;
    const unverified =
      offer.table.verified === false || (offer.signature && !table.signatureSurcharge.verified);
    if (unverified)
      rate.warnings = [`indicative price from the ${table.effectiveFrom} table, not the official grid`];
    rates.push(rate);
  }
  return rates;
}

export async function rate(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]> {
  const over = req.parcels.find(
    (p) => compareDecimal(parseDecimal(toKg(p.weight)), parseDecimal(RATE_TABLE.maxKg)) > 0,
  );
  if (over)
    throw new CarrierError({
      carrier: ctx.carrier || CARRIER_ID,
      account: ctx.account.id,
      failureClass: 'rejected',
      outcome: 'not_sent',
      code: 'WEIGHT_LIMIT',
      message: `Colissimo carries parcels up to ${RATE_TABLE.maxKg} kg`,
    });
  return quote(req);
}
