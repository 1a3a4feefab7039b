/**
 * Unified rate request -> POST /api/rating/{version}/{Rate|Shop} and back.
 * Quirk: RatedShipment is an OBJECT when one service is rated (Rate) and an ARRAY when the
 * shipment is shopped (Shop); nested ItemizedCharges and RatedShipmentAlert collapse the same way.
 */
import { z } from '@hono/zod-openapi';
import type { CarrierContext, CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { money } from '../../../src/domain/money.ts';
import type { RateRequest } from '../../../src/domain/shipment.ts';
import { isDomestic, serviceByCode, UPS_PATHS, UPS_SERVICES } from '../profile.ts';
import { parseOrMalformed, shipperNumberOf } from './context.ts';
import { CUSTOMER_PACKAGING, unitSystemFor, upsDimensions, upsParty, upsWeight } from './shipment-parts.ts';
import { apiHeaders, asArray, oneOrMany, UpsCharge } from './wire.ts';

/** Services that can serve this route at the requested levels, in profile order. */
export function candidateServices(
  req: Pick<RateRequest, 'shipper' | 'recipient' | 'services'>,
): ServiceDefinition[] {
  const domestic = isDomestic(req.shipper.countryCode, req.recipient.countryCode);
  return UPS_SERVICES.filter(
    (s) =>
      (s.scope === 'both' || s.scope === (domestic ? 'domestic' : 'international')) &&
      (req.services === undefined || req.services.includes(s.level)),
  );
}

export interface RateCall {
  requestOption: 'Rate' | 'Shop';
  path: string;
  body: Record<string, unknown>;
}

/** One candidate is rated ("Rate"); several are shopped ("Shop") and filtered afterwards. */
export function buildRateCall(
  req: RateRequest,
  shipperNumber: string,
  candidates: ServiceDefinition[],
): RateCall {
  const units = unitSystemFor(req.shipper.countryCode);
  const single = candidates.length === 1 ? candidates[0] : undefined;
  const requestOption = single ? 'Rate' : 'Shop';
  const shipment: Record<string, unknown> = {
    Shipper: upsParty(req.shipper, { shipperNumber, fallbackName: 'Shipper' }),
    ShipTo: upsParty(req.recipient, { residential: true, fallbackName: 'Recipient' }),
    ShipFrom: upsParty(req.shipper, { fallbackName: 'Shipper' }),
    PaymentDetails: { ShipmentCharge: [{ Type: '01', BillShipper: { AccountNumber: shipperNumber } }] },
    ...(single ? { Service: { Code: single.code, Description: single.name } } : {}),
    NumOfPieces: String(req.parcels.length),
    Package: req.parcels.map((parcel) => {
      const dimensions = upsDimensions(parcel, units);
      return {
        PackagingType: CUSTOMER_PACKAGING,
        ...(dimensions ? { Dimensions: dimensions } : {}),
        PackageWeight: upsWeight(parcel, units),
      };
    }),
    ...(req.options?.saturdayDelivery ? { ShipmentServiceOptions: { SaturdayDeliveryIndicator: '' } } : {}),
  };
  return {
    requestOption,
    path: UPS_PATHS.rate(requestOption),
    body: {
      RateRequest: {
        Request: { TransactionReference: { CustomerContext: 'carrier-gateway rate' } },
        Shipment: shipment,
      },
    },
  };
}

const Alert = z.object({ Code: z.string(), Description: z.string().optional() });

const RatedShipment = z.object({
  Service: z.object({ Code: z.string(), Description: z.string().optional() }),
  RatedShipmentAlert: oneOrMany(Alert).optional(),
  TransportationCharges: UpsCharge.optional(),
  ServiceOptionsCharges: UpsCharge.optional(),
  TotalCharges: UpsCharge,
  NegotiatedRateCharges: z.object({ TotalCharge: UpsCharge }).optional(),
  GuaranteedDelivery: z.object({ BusinessDaysInTransit: z.string().optional() }).optional(),
  ItemizedCharges: oneOrMany(UpsCharge.extend({ Code: z.string() })).optional(),
});
type RatedShipment = z.infer<typeof RatedShipment>;

export const RateResponseBody = z.object({
  RateResponse: z.object({
    Response: z.object({
      ResponseStatus: z.object({ Code: z.string(), Description: z.string().optional() }),
      Alert: oneOrMany(Alert).optional(),
    }),
    RatedShipment: oneOrMany(RatedShipment),
  }),
});

const chargeMoney = (c: UpsCharge) => money(c.MonetaryValue, c.CurrencyCode);

function toCarrierRate(rated: RatedShipment, responseAlerts: string[]): CarrierRate {
  const known = serviceByCode(rated.Service.Code);
  const service = known
    ? { code: known.code, name: known.name, level: known.level }
    : {
        code: rated.Service.Code,
        name: rated.Service.Description || `UPS service ${rated.Service.Code}`,
        level: 'standard' as const,
      };
  // Negotiated (account) rates win over published rates when UPS returns them.
  const total = chargeMoney(rated.NegotiatedRateCharges?.TotalCharge ?? rated.TotalCharges);
  const breakdown: { label: string; amount: ReturnType<typeof chargeMoney> }[] = [];
  if (rated.TransportationCharges)
    breakdown.push({ label: 'transportation', amount: chargeMoney(rated.TransportationCharges) });
  if (rated.ServiceOptionsCharges)
    breakdown.push({ label: 'service options', amount: chargeMoney(rated.ServiceOptionsCharges) });
  const days = rated.GuaranteedDelivery?.BusinessDaysInTransit;
  const estimatedDays = days !== undefined && /^\d+$/.test(days) ? Number(days) : known?.transitDays;
  const warnings = [
    ...new Set([...responseAlerts, ...asArray(rated.RatedShipmentAlert).map((a) => a.Description ?? a.Code)]),
  ];
  return {
    service,
    total,
    ...(breakdown.length > 0 ? { breakdown } : {}),
    ...(estimatedDays === undefined ? {} : { estimatedDays }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Parses a 2xx rating answer, object or array alike. Throws a ZodError when it is not one. */
export function parseRateResponse(json: unknown): CarrierRate[] {
  const body = RateResponseBody.parse(json);
  const alerts = asArray(body.RateResponse.Response.Alert).map((a) => a.Description ?? a.Code);
  return asArray(body.RateResponse.RatedShipment).map((r) => toCarrierRate(r, alerts));
}

export async function rateWithUps(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]> {
  const candidates = candidateServices(req);
  if (candidates.length === 0) return [];
  const call = buildRateCall(req, shipperNumberOf(ctx), candidates);
  const res = await ctx.request({
    method: 'POST',
    path: call.path,
    headers: apiHeaders(true),
    body: JSON.stringify(call.body),
    operation: 'rate',
  });
  const rates = parseOrMalformed(ctx, res.json(), parseRateResponse, 'rating');
  const wanted = new Set(candidates.map((c) => c.code));
  return rates.filter((r) => wanted.has(r.service.code));
}
