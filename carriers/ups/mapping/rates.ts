/**
 * Unified rate request -> POST /api/rating/{version}/{Rate|Shop} and back.
 * Quirk: RatedShipment is an OBJECT when one service is rated (Rate) and an ARRAY when the
 * shipment is shopped (Shop); nested ItemizedCharges and RatedShipmentAlert collapse the same way.
 * Service codes are read with the table of the shipment's origin (services.ts). The answer is
 * read by the kit's tolerant rule: a `null` alert list or a broken optional charge costs
 * that field, a rate whose total cannot be read costs that rate, never the whole answer.
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext, CarrierRate, ServiceDefinition } from '../../../src/carrier/definition.ts';
import { interpretAnswer } from '../../../src/carrier/outcomes.ts';
import { refOf, unknownService } from '../../../src/carrier/services.ts';
import { list, optionalList, text, wholeNumberWritten } from '../../../src/carrier/wire.ts';
import type { RateRequest } from '../../../src/domain/shipment.ts';
import { servicesForRoute, UPS_PATHS, upsRegion } from '../profile.ts';
import { upsTables } from '../services.ts';
import { shipperNumberOf } from './context.ts';
import { CUSTOMER_PACKAGING, unitSystemFor, upsDimensions, upsParty, upsWeight } from './shipment-parts.ts';
import { alertTexts, apiHeaders, chargeMoney, UpsAlert, UpsCharge, UpsResponse } from './wire.ts';

/** Services that can serve this route at the requested levels, from the origin's table. */
export function candidateServices(
  req: Pick<RateRequest, 'shipper' | 'recipient' | 'services'>,
): ServiceDefinition[] {
  return servicesForRoute({ from: req.shipper.countryCode, to: req.recipient.countryCode }).filter(
    (s) => req.services === undefined || req.services.includes(s.level),
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

const RatedShipment = z.object({
  Service: z.object({ Code: text, Description: text.optional() }),
  RatedShipmentAlert: optionalList(UpsAlert),
  TransportationCharges: UpsCharge.optional(),
  ServiceOptionsCharges: UpsCharge.optional(),
  TotalCharges: UpsCharge,
  NegotiatedRateCharges: z.object({ TotalCharge: UpsCharge }).optional(),
  // A string in the Rating OpenAPI (`BusinessDaysInTransit: type: string`).
  GuaranteedDelivery: z.object({ BusinessDaysInTransit: wholeNumberWritten('string').optional() }).optional(),
  // ItemizedCharges (surcharges inside the totals above) is not read: nothing maps it, and an
  // unreadable one would only add a warning about data the answer does not use.
});
type RatedShipment = z.infer<typeof RatedShipment>;

export const RateResponseBody = z.object({
  RateResponse: z.object({
    Response: UpsResponse.optional(),
    RatedShipment: list(RatedShipment, { min: 1 }),
  }),
});

function toCarrierRate(rated: RatedShipment, origin: string, answerWarnings: string[]): CarrierRate {
  const code = rated.Service.Code;
  const known = upsTables.forOrigin(origin).byCode(code);
  const unknown = known
    ? undefined
    : unknownService(code, rated.Service.Description, `UPS ${upsRegion(origin)}-origin`);
  const service = known
    ? refOf(known)
    : (unknown?.service ?? { code, name: code, level: 'standard' as const });
  // Negotiated (account) rates win over published rates when UPS returns them.
  const total = chargeMoney(rated.NegotiatedRateCharges?.TotalCharge ?? rated.TotalCharges);
  const breakdown: CarrierRate['breakdown'] = [];
  if (rated.TransportationCharges)
    breakdown.push({ label: 'transportation', amount: chargeMoney(rated.TransportationCharges) });
  if (rated.ServiceOptionsCharges)
    breakdown.push({ label: 'service options', amount: chargeMoney(rated.ServiceOptionsCharges) });
  const estimatedDays = rated.GuaranteedDelivery?.BusinessDaysInTransit ?? known?.transitDays;
  const warnings = [
    ...new Set([
      ...answerWarnings,
      ...alertTexts(rated.RatedShipmentAlert),
      ...(unknown ? [unknown.warning] : []),
    ]),
  ];
  return {
    service,
    total,
    ...(breakdown.length > 0 ? { breakdown } : {}),
    ...(estimatedDays === undefined ? {} : { estimatedDays }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Reads a rating answer, object or array alike, with the codes of the origin's table. */
export function parseRateResponse(json: unknown, origin = 'US'): CarrierRate[] {
  const read = readBody(RateResponseBody, json);
  const answer = [...read.warnings, ...alertTexts(read.value.RateResponse.Response?.Alert ?? [])];
  return read.value.RateResponse.RatedShipment.map((r) => toCarrierRate(r, origin, answer));
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
  const rates = interpretAnswer(ctx, res, (json) => parseRateResponse(json, req.shipper.countryCode));
  return keepAskedLevels(rates, req);
}

/**
 * Shop answers every service UPS offers on the route: keep the levels asked for. What UPS
 * quoted serves the route whatever the table's scope says (the scope only chooses what to ask
 * for), and a code the table does not know is kept with its warning: its level is a guess.
 */
export function keepAskedLevels(rates: CarrierRate[], req: Pick<RateRequest, 'shipper' | 'services'>) {
  const levels = req.services;
  if (levels === undefined) return rates;
  const table = upsTables.forOrigin(req.shipper.countryCode);
  return rates.filter((r) => !table.byCode(r.service.code) || levels.includes(r.service.level));
}
