/** Unified label request -> FedEx Ship API (`POST /ship/v1/shipments`) and back. */
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
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

export const MEDIA_TYPES: Record<LabelFormat, string> = {
  PDF: 'application/pdf',
  PNG: 'image/png',
  ZPL: 'application/x-zpl',
  GIF: 'image/gif',
};

function unsupportedFormat(ctx: CarrierContext, format: LabelFormat): CarrierError {
  return new CarrierError({
    carrier: ctx.carrier,
    account: ctx.account.id,
    failureClass: 'rejected',
    outcome: 'not_sent',
    message: `FedEx does not print ${format} labels`,
    code: 'LABEL_FORMAT_UNSUPPORTED',
  });
}

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

/** Undefined when the text is not base64 (the spec's own example says "encoded label"). */
function decodeBase64(text: string): Uint8Array | undefined {
  // atob skips spaces, so "encoded label" would decode to garbage: only line breaks may wrap it.
  const compact = text.replace(/\r?\n/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  let binary: string;
  try {
    binary = atob(compact);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface ParsedLabel extends CarrierLabel {
  /** Tracking number of every piece (the first is the master). */
  pieceTrackingNumbers: string[];
}

/** Reads a Ship API answer: the master tracking number, the label bytes, the price and the alerts. */
export function parseShipResponse(
  ctx: CarrierContext,
  body: ShipResponseBody,
  format: LabelFormat,
): ParsedLabel {
  const shipment = body.output.transactionShipments[0]!;
  const pieces = shipment.pieceResponses;
  const encoded = pieces.map(
    (piece) =>
      (
        piece.packageDocuments.find((d) => d.contentType === 'LABEL' && d.encodedLabel) ??
        piece.packageDocuments.find((d) => d.encodedLabel)
      )?.encodedLabel,
  );
  const documents = encoded.map((text) => (text === undefined ? undefined : decodeBase64(text)));
  if (encoded.some((text, i) => text !== undefined && documents[i] === undefined)) {
    throw new CarrierError({
      carrier: ctx.carrier,
      account: ctx.account.id,
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      message: 'FedEx answered with an encodedLabel that is not base64',
      code: 'LABEL_NOT_BASE64',
      status: 200,
    });
  }
  const trackingNumber = shipment.masterTrackingNumber ?? pieces[0]?.trackingNumber;
  const first = documents[0];
  if (!trackingNumber || !first) {
    // FedEx says it shipped but gave no label or number: the shipment may well exist.
    throw new CarrierError({
      carrier: ctx.carrier,
      account: ctx.account.id,
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      message: 'FedEx answered without a tracking number or an encoded label',
      code: 'LABEL_MISSING',
      status: 200,
    });
  }
  const warnings = alertWarnings(body.output.alerts, shipment.alerts);
  const complete = documents.filter((d): d is Uint8Array => d !== undefined);
  // ZPL documents concatenate into one print job; PDF and PNG pieces cannot, so the first is kept.
  const document = format === 'ZPL' ? concat(complete) : first;
  if (format !== 'ZPL' && complete.length > 1) {
    warnings.push(`${complete.length} piece labels were issued; only the first is returned as ${format}`);
  }
  const rating = shipment.completedShipmentDetail?.shipmentRating;
  const rateDetail =
    rating?.shipmentRateDetails?.find((d) => d.rateType === rating.actualRateType && d.currency) ??
    rating?.shipmentRateDetails?.find((d) => d.currency && d.totalNetCharge !== undefined);
  const price: Money | undefined =
    rateDetail?.totalNetCharge !== undefined && rateDetail.currency
      ? money(rateDetail.totalNetCharge, rateDetail.currency)
      : undefined;
  return {
    trackingNumber,
    format,
    document,
    mediaType: MEDIA_TYPES[format],
    pieceTrackingNumbers: pieces.map((p) => p.trackingNumber).filter((t): t is string => t !== undefined),
    ...(price ? { price } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export async function createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  const spec = IMAGE_TYPES[req.format];
  if (!spec) throw unsupportedFormat(ctx, req.format);
  const res = await ctx.request(
    fedexPost('label', SHIP_PATH, buildShipRequest(req, accountNumberOf(ctx), spec)),
  );
  const { pieceTrackingNumbers: _pieces, ...label } = parseShipResponse(
    ctx,
    readSuccess(ctx, res, ShipResponseBody, 'label'),
    req.format,
  );
  return label;
}
