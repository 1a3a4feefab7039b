/** Unified label request -> FedEx Ship API (`POST /ship/v1/shipments`) and back. */
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { documentFromBase64 } from '../../../src/carrier/documents.ts';
import { boughtLabel, refusedBeforeSending } from '../../../src/carrier/outcomes.ts';
import { money } from '../../../src/domain/money.ts';
import type { LabelFormat, Money } from '../../../src/domain/shipment.ts';
import { alertWarnings } from './alerts.ts';
import { accountNumberOf, fedexPost, readSuccess } from './http.ts';
import { packageDimensions, packageWeight, shipmentWeight, unitSystemFor } from './measure.ts';
import { fedexAddress, fedexContact, isInternational } from './party.ts';
import { ShipResponseBody } from './wire.ts';

export const SHIP_PATH = '/ship/v1/shipments';

/** Ship API `labelSpecification.imageType` per unified format (EPL2 is not offered). */
export const IMAGE_TYPES: Partial<Record<LabelFormat, { imageType: string; labelStockType: string }>> = {
  PDF: { imageType: 'PDF', labelStockType: 'PAPER_4X6' },
  PNG: { imageType: 'PNG', labelStockType: 'PAPER_4X6' },
  ZPL: { imageType: 'ZPLII', labelStockType: 'STOCK_4X6' },
};

const unsupportedFormat = (ctx: CarrierContext, format: LabelFormat) =>
  refusedBeforeSending(ctx, 'LABEL_FORMAT_UNSUPPORTED', `FedEx does not print ${format} labels`);

export function buildShipRequest(
  req: CarrierLabelRequest,
  accountNumber: string,
  spec: { imageType: string; labelStockType: string },
): Record<string, unknown> {
  const system = unitSystemFor(req.parcels);
  const total = shipmentWeight(req.parcels, system);
  const insured = req.options?.insuredValue;
  const specialServices = req.options?.saturdayDelivery ? ['SATURDAY_DELIVERY'] : [];
  return {
    labelResponseOptions: 'LABEL',
    accountNumber: { value: accountNumber },
    requestedShipment: {
      ...(req.shipDate ? { shipDatestamp: req.shipDate } : {}),
      shipper: { contact: fedexContact(req.shipper), address: fedexAddress(req.shipper) },
      recipients: [{ contact: fedexContact(req.recipient), address: fedexAddress(req.recipient) }],
      pickupType: 'DROPOFF_AT_FEDEX_LOCATION',
      serviceType: req.service.code,
      packagingType: 'YOUR_PACKAGING',
      totalWeight: total.value,
      totalPackageCount: req.parcels.length,
      shippingChargesPayment: { paymentType: 'SENDER' },
      labelSpecification: spec,
      rateRequestType: ['ACCOUNT'],
      ...(insured
        ? { totalDeclaredValue: { amount: Number(insured.amount), currency: insured.currency } }
        : {}),
      ...(specialServices.length > 0
        ? { shipmentSpecialServices: { specialServiceTypes: specialServices } }
        : {}),
      ...(isInternational(req.shipper, req.recipient)
        ? {
            // The unified model carries no commodity data; FedEx needs one line to clear customs.
            customsClearanceDetail: {
              dutiesPayment: { paymentType: 'SENDER' },
              commodities: [
                {
                  description: req.reference ?? 'Merchandise',
                  countryOfManufacture: req.shipper.countryCode,
                  quantity: req.parcels.length,
                  quantityUnits: 'PCS',
                  weight: total,
                  ...(insured
                    ? { customsValue: { amount: Number(insured.amount), currency: insured.currency } }
                    : {}),
                },
              ],
            },
          }
        : {}),
      requestedPackageLineItems: req.parcels.map((p, i) => {
        const dimensions = packageDimensions(p, system);
        const reference = p.reference ?? req.reference;
        return {
          sequenceNumber: i + 1,
          weight: packageWeight(p, system),
          ...(dimensions ? { dimensions } : {}),
          ...(reference
            ? { customerReferences: [{ customerReferenceType: 'CUSTOMER_REFERENCE', value: reference }] }
            : {}),
          ...(req.options?.signature ? { packageSpecialServices: { signatureOptionType: 'DIRECT' } } : {}),
        };
      }),
    },
  };
}

/**
 * Reads a Ship API answer: the master tracking number, one document per piece, the price and
 * the alerts. A piece without a readable document still leaves a bought shipment.
 */
export function parseShipResponse(
  ctx: Pick<CarrierContext, 'carrier' | 'account'>,
  body: ShipResponseBody,
  format: LabelFormat,
  readWarnings: readonly string[] = [],
): CarrierLabel {
  const shipment = body.output.transactionShipments[0]!;
  const pieces = shipment.pieceResponses;
  const documents = pieces.map((piece) => {
    const doc =
      piece.packageDocuments.find((d) => d.contentType === 'LABEL' && d.encodedLabel) ??
      piece.packageDocuments.find((d) => d.encodedLabel);
    return documentFromBase64(doc?.encodedLabel, doc?.docType ?? IMAGE_TYPES[format]?.imageType);
  });
  const url = pieces.flatMap((p) => p.packageDocuments).find((d) => d.url)?.url;
  const rating = shipment.completedShipmentDetail?.shipmentRating;
  const details = rating?.shipmentRateDetails ?? [];
  const rateDetail =
    details.find((d) => d.rateType === rating?.actualRateType && d.currency) ??
    details.find((d) => d.currency && d.totalNetCharge !== undefined);
  const price: Money | undefined =
    rateDetail?.totalNetCharge !== undefined && rateDetail.currency
      ? money(rateDetail.totalNetCharge, rateDetail.currency)
      : undefined;
  const warnings = [...readWarnings, ...alertWarnings(body.output.alerts, shipment.alerts)];
  const pieceNumbers = pieces.flatMap((p) => (p.trackingNumber ? [p.trackingNumber] : []));
  if (pieceNumbers.length > 1) warnings.push(`piece tracking numbers: ${pieceNumbers.join(', ')}`);
  return boughtLabel(ctx, {
    trackingNumber: shipment.masterTrackingNumber ?? pieces[0]?.trackingNumber,
    price,
    documents,
    documentUrl: url,
    warnings,
    requested: format,
    status: 200,
  });
}

export async function createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  const spec = IMAGE_TYPES[req.format];
  if (!spec) throw unsupportedFormat(ctx, req.format);
  const res = await ctx.request(
    fedexPost('label', SHIP_PATH, buildShipRequest(req, accountNumberOf(ctx), spec)),
  );
  const read = readSuccess(ctx, res, ShipResponseBody);
  return parseShipResponse(ctx, read.value, req.format, read.warnings);
}
