/** Unified rate request -> FedEx Rate API (`POST /rate/v1/rates/quotes`) and back. */
import type { CarrierContext, CarrierRate } from '../../../src/carrier/definition.ts';
import { unknownService } from '../../../src/carrier/services.ts';
import { money } from '../../../src/domain/money.ts';
import type { Money, RateRequest } from '../../../src/domain/shipment.ts';
import { fedexService } from '../services.ts';
import { alertWarnings } from './alerts.ts';
import { accountNumberOf, fedexPost, readSuccess } from './http.ts';
import { packageDimensions, packageWeight, shipmentWeight, unitSystemFor } from './measure.ts';
import { fedexAddress } from './party.ts';
import { type RatedShipmentDetail, type RateReplyDetail, RateResponseBody } from './wire.ts';

export const RATE_PATH = '/rate/v1/rates/quotes';

export function buildRateRequest(req: RateRequest, accountNumber: string): Record<string, unknown> {
  const system = unitSystemFor(req.parcels);
  return {
    accountNumber: { value: accountNumber },
    rateRequestControlParameters: { returnTransitTimes: true },
    requestedShipment: {
      shipper: { address: fedexAddress(req.shipper) },
      recipient: { address: fedexAddress(req.recipient) },
      ...(req.shipDate ? { shipDateStamp: req.shipDate } : {}),
      pickupType: 'DROPOFF_AT_FEDEX_LOCATION',
      packagingType: 'YOUR_PACKAGING',
      rateRequestType: ['ACCOUNT', 'LIST'],
      totalPackageCount: req.parcels.length,
      totalWeight: shipmentWeight(req.parcels, system).value,
      ...(req.options?.insuredValue
        ? {
            totalDeclaredValue: {
              amount: Number(req.options.insuredValue.amount),
              currency: req.options.insuredValue.currency,
            },
          }
        : {}),
      requestedPackageLineItems: req.parcels.map((p) => {
        const dimensions = packageDimensions(p, system);
        return {
          groupPackageCount: 1,
          weight: packageWeight(p, system),
          ...(dimensions ? { dimensions } : {}),
        };
      }),
    },
  };
}

/** The account's own price first (ACCOUNT), else the published one (LIST), else whatever has a currency. */
function chooseDetail(
  details: readonly RatedShipmentDetail[],
): { detail: RatedShipmentDetail; currency: string } | undefined {
  const withCurrency = details
    .map((detail) => ({ detail, currency: detail.currency ?? detail.shipmentRateDetail?.currency }))
    .filter((d): d is { detail: RatedShipmentDetail; currency: string } => d.currency !== undefined)
    .filter((d) => d.detail.totalNetCharge !== undefined);
  return (
    withCurrency.find((d) => d.detail.rateType === 'ACCOUNT') ??
    withCurrency.find((d) => d.detail.rateType === 'LIST') ??
    withCurrency[0]
  );
}

const TRANSIT_WORDS = [
  'ONE',
  'TWO',
  'THREE',
  'FOUR',
  'FIVE',
  'SIX',
  'SEVEN',
  'EIGHT',
  'NINE',
  'TEN',
  'ELEVEN',
  'TWELVE',
  'THIRTEEN',
  'FOURTEEN',
  'FIFTEEN',
  'SIXTEEN',
  'SEVENTEEN',
  'EIGHTEEN',
  'NINETEEN',
  'TWENTY',
];

/** FedEx writes transit times as words: "THREE_DAYS", "ONE_DAY". */
export function transitDays(value: string | undefined): number | undefined {
  const match = value ? /^([A-Z]+)_DAYS?$/.exec(value) : null;
  if (!match) return undefined;
  const index = TRANSIT_WORDS.indexOf(match[1] ?? '');
  return index >= 0 ? index + 1 : undefined;
}

function rateOf(reply: RateReplyDetail, responseWarnings: string[]): CarrierRate | undefined {
  const known = fedexService(reply.serviceType);
  // A service type the profile does not know is kept as FedEx named it, with a warning.
  const unknown = known ? undefined : unknownService(reply.serviceType, reply.serviceName, 'FedEx');
  const chosen = chooseDetail(reply.ratedShipmentDetails);
  if (!chosen) return undefined;
  const { detail, currency } = chosen;
  const total = money(detail.totalNetCharge as number | string, currency);
  const breakdown: { label: string; amount: Money }[] = [];
  if (detail.totalBaseCharge !== undefined) {
    breakdown.push({ label: 'Base charge', amount: money(detail.totalBaseCharge, currency) });
  }
  for (const s of detail.shipmentRateDetail?.surCharges ?? []) {
    breakdown.push({ label: s.description ?? s.type ?? 'Surcharge', amount: money(s.amount, currency) });
  }
  const warnings = [
    ...responseWarnings,
    ...alertWarnings(reply.customerMessages).filter((w) => !responseWarnings.includes(w)),
    ...(unknown ? [unknown.warning] : []),
  ];
  const days =
    transitDays(reply.operationalDetail?.transitTime) ??
    transitDays(reply.commit?.transitDays?.minimumTransitTime) ??
    known?.transitDays;
  const service = known
    ? { code: known.code, name: reply.serviceName ?? known.name, level: known.level }
    : (unknown?.service as CarrierRate['service']);
  return {
    service,
    total,
    ...(breakdown.length > 0 ? { breakdown } : {}),
    ...(days !== undefined ? { estimatedDays: days } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Reads a Rate API answer; `levels` keeps only the unified levels asked for. */
export function parseRateResponse(
  body: RateResponseBody,
  levels?: readonly string[],
  readWarnings: readonly string[] = [],
): CarrierRate[] {
  const responseWarnings = [...readWarnings, ...alertWarnings(body.output.alerts)];
  const rates: CarrierRate[] = [];
  for (const reply of body.output.rateReplyDetails) {
    const rate = rateOf(reply, responseWarnings);
    if (rate && (!levels || levels.includes(rate.service.level))) rates.push(rate);
  }
  return rates;
}

export async function fetchRates(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]> {
  const res = await ctx.request(fedexPost('rate', RATE_PATH, buildRateRequest(req, accountNumberOf(ctx))));
  const read = readSuccess(ctx, res, RateResponseBody);
  return parseRateResponse(read.value, req.services, read.warnings);
}
