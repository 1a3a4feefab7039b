/**
 * POST /api/rating/{version}/{requestoption}. Rate answers RatedShipment as an OBJECT, Shop as
 * an ARRAY; RatedPackage and ItemizedCharges collapse to an object when there is one. This is
 * what UPS really sends, although ups_rating.yaml says ">= v2409 always an array"
 * (UPS-API/api-documentation#138: /rating/v2403/Rate with one parcel yields an object).
 */
import type { Hono } from 'hono';
import { type AnyContext, apiGuard, guardedAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { serviceByCode } from '../profile.ts';
import { SIM_ERRORS, schemaError, upsError, upsRenderer } from './errors.ts';
import {
  currencyFor,
  formatCents,
  type PackagePrice,
  pricePackage,
  servicesFor,
  transitDays,
  zoneOf,
} from './pricing.ts';
import { asList, firstProblem, RateRequestBody } from './schemas.ts';

/** Versions the path accepts: current and deprecated (Rating.yaml). */
export const RATING_VERSIONS = new Set([
  'v2409',
  'v2403',
  'v2205',
  'v2108',
  'v1707',
  'v1701',
  'v1607',
  'v1601',
  'v1',
]);
const REQUEST_OPTIONS = new Set(['rate', 'shop', 'ratetimeintransit', 'shoptimeintransit']);

/** A list with one element is sent as the bare element. */
export const collapse = <T>(items: T[]): T | T[] => (items.length === 1 ? (items[0] as T) : items);

const INVOICE_ALERT = {
  Code: '110971',
  Description: 'Your invoice may vary from the displayed reference rates',
};

const charge = (currency: string, cents: number) => ({
  CurrencyCode: currency,
  MonetaryValue: formatCents(cents),
});

export function ratedShipment(
  code: string,
  prices: PackagePrice[],
  currency: string,
  imperial: boolean,
  weights: string[],
  origin = 'US',
) {
  const total = prices.reduce((n, p) => n + p.totalCents, 0);
  const billable = prices.reduce((n, p) => n + p.billable, 0);
  const unit = imperial ? { Code: 'LBS', Description: 'Pounds' } : { Code: 'KGS', Description: 'Kilograms' };
  const days = transitDays(code, origin);
  return {
    Service: { Code: code, Description: '' },
    RatedShipmentAlert: INVOICE_ALERT,
    BillingWeight: { UnitOfMeasurement: unit, Weight: `${billable}.0` },
    TransportationCharges: charge(currency, total),
    BaseServiceCharge: charge(currency, 0),
    ServiceOptionsCharges: charge(currency, 0),
    TotalCharges: charge(currency, total),
    // Ground has no guarantee.
    ...(code !== '03' && days !== undefined
      ? { GuaranteedDelivery: { BusinessDaysInTransit: String(days) } }
      : {}),
    RatedPackage: collapse(
      prices.map((p, i) => ({
        TransportationCharges: charge(currency, p.totalCents),
        BaseServiceCharge: charge(currency, p.baseCents),
        ServiceOptionsCharges: charge(currency, 0),
        ItemizedCharges: collapse([{ Code: '375', ...charge(currency, p.fuelCents) }]),
        TotalCharges: charge(currency, p.totalCents),
        Weight: weights[i] ?? '0',
        BillingWeight: { UnitOfMeasurement: unit, Weight: `${p.billable}.0` },
      })),
    ),
  };
}

async function readJson(c: AnyContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

export function mountRating(app: Hono, sim: SimContext): void {
  app.post(
    '/api/rating/:version/:requestoption',
    apiGuard(sim, upsRenderer, { endpoint: 'rate' }),
    async (c) => {
      const account = guardedAccount(c);
      const version = c.req.param('version');
      const option = c.req.param('requestoption').toLowerCase();
      if (!RATING_VERSIONS.has(version)) return upsError(400, schemaError('version'));
      if (!REQUEST_OPTIONS.has(option)) return upsError(400, schemaError('requestoption'));
      const raw = await readJson(c);
      if (raw === undefined) return upsError(400, SIM_ERRORS.notWellFormed);
      const parsed = RateRequestBody.safeParse(raw);
      if (!parsed.success) return upsError(400, firstProblem(parsed.error));
      const shipment = parsed.data.RateRequest.Shipment;

      const billed = asList(shipment.PaymentDetails?.ShipmentCharge).find((s) => s.BillShipper);
      if (billed && billed.BillShipper?.AccountNumber !== account?.settings?.accountNumber) {
        return upsError(400, SIM_ERRORS.billShipper);
      }
      const from = shipment.ShipFrom?.Address ?? shipment.Shipper.Address;
      const to = shipment.ShipTo.Address;
      const offered = servicesFor(from.CountryCode, to.CountryCode);
      const shop = option.startsWith('shop');
      let codes: string[];
      if (shop) {
        codes = offered;
      } else {
        const code = shipment.Service?.Code;
        if (!code) return upsError(400, schemaError('Shipment/Service/Code'));
        if (!serviceByCode(code, from.CountryCode) || !offered.includes(code))
          return upsError(400, SIM_ERRORS.serviceUnavailable);
        codes = [code];
      }
      const imperial = ['US', 'PR'].includes(from.CountryCode);
      const zone = zoneOf(from, to);
      const packages = asList(shipment.Package);
      const currency = currencyFor(from.CountryCode);
      const weights = packages.map((p) => p.PackageWeight.Weight);
      const rated = codes.map((code) =>
        ratedShipment(
          code,
          packages.map((p) => pricePackage(code, p, zone, imperial)),
          currency,
          imperial,
          weights,
          from.CountryCode,
        ),
      );
      return c.json({
        RateResponse: {
          Response: {
            ResponseStatus: { Code: '1', Description: 'Success' },
            Alert: [INVOICE_ALERT],
            TransactionReference: {
              CustomerContext: parsed.data.RateRequest.Request?.TransactionReference?.CustomerContext ?? '',
            },
          },
          // The quirk: Rate -> one object, Shop -> an array (even of one).
          RatedShipment: shop ? rated : rated[0],
        },
      });
    },
  );
}
