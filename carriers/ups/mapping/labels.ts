/**
 * Unified label request -> POST /api/shipments/{version}/ship and back.
 * Labels come back base64 in PackageResults.ShippingLabel.GraphicImage; PackageResults is an
 * OBJECT for one package and an ARRAY for several. Formats: GIF, ZPL (and PNG); never PDF.
 */
import { z } from '@hono/zod-openapi';
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import { money } from '../../../src/domain/money.ts';
import type { LabelFormat } from '../../../src/domain/shipment.ts';
import { UPS_ID, UPS_LABEL_FORMATS, UPS_PATHS } from '../profile.ts';
import { parseOrMalformed, shipperNumberOf } from './context.ts';
import { CUSTOMER_PACKAGING, unitSystemFor, upsDimensions, upsParty, upsWeight } from './shipment-parts.ts';
import { apiHeaders, asArray, oneOrMany, UpsCharge } from './wire.ts';

export const MEDIA_TYPES: Record<LabelFormat, string> = {
  GIF: 'image/gif',
  PNG: 'image/png',
  ZPL: 'application/x-zpl',
  PDF: 'application/pdf',
};

/** Thermal formats need a stock size; 4x6 inches is the UPS default label. */
const THERMAL: ReadonlySet<LabelFormat> = new Set(['ZPL']);

export function buildShipBody(req: CarrierLabelRequest, shipperNumber: string): Record<string, unknown> {
  const units = unitSystemFor(req.shipper.countryCode);
  const packageOptions = (): Record<string, unknown> | undefined => {
    const o: Record<string, unknown> = {};
    if (req.options?.signature) o.DeliveryConfirmation = { DCISType: '2' };
    if (req.options?.insuredValue) {
      o.DeclaredValue = {
        CurrencyCode: req.options.insuredValue.currency,
        MonetaryValue: req.options.insuredValue.amount,
      };
    }
    return Object.keys(o).length > 0 ? o : undefined;
  };
  const packages = req.parcels.map((parcel) => {
    const dimensions = upsDimensions(parcel, units);
    const options = packageOptions();
    const reference = parcel.reference ?? req.reference;
    return {
      Packaging: CUSTOMER_PACKAGING,
      ...(dimensions ? { Dimensions: dimensions } : {}),
      PackageWeight: upsWeight(parcel, units),
      ...(reference ? { ReferenceNumber: { Value: reference.slice(0, 35) } } : {}),
      ...(options ? { PackageServiceOptions: options } : {}),
    };
  });
  return {
    ShipmentRequest: {
      Request: {
        RequestOption: 'nonvalidate',
        TransactionReference: { CustomerContext: (req.reference ?? '').slice(0, 512) },
      },
      Shipment: {
        Description: 'Merchandise',
        Shipper: upsParty(req.shipper, { shipperNumber, fallbackName: 'Shipper' }),
        ShipTo: upsParty(req.recipient, { residential: true, fallbackName: 'Recipient' }),
        ShipFrom: upsParty(req.shipper, { fallbackName: 'Shipper' }),
        PaymentInformation: {
          ShipmentCharge: [{ Type: '01', BillShipper: { AccountNumber: shipperNumber } }],
        },
        Service: { Code: req.service.code, Description: req.service.name },
        ...(req.options?.saturdayDelivery
          ? { ShipmentServiceOptions: { SaturdayDeliveryIndicator: '' } }
          : {}),
        Package: packages,
      },
      LabelSpecification: {
        LabelImageFormat: { Code: req.format, Description: req.format },
        HTTPUserAgent: 'Mozilla/4.5',
        ...(THERMAL.has(req.format) ? { LabelStockSize: { Height: '6', Width: '4' } } : {}),
      },
    },
  };
}

const PackageResult = z.object({
  TrackingNumber: z.string(),
  ShippingLabel: z
    .object({
      ImageFormat: z.object({ Code: z.string(), Description: z.string().optional() }),
      GraphicImage: z.string(),
    })
    .optional(),
});

export const ShipResponseBody = z.object({
  ShipmentResponse: z.object({
    Response: z.object({
      ResponseStatus: z.object({ Code: z.string(), Description: z.string().optional() }),
      Alert: oneOrMany(z.object({ Code: z.string(), Description: z.string().optional() })).optional(),
    }),
    ShipmentResults: z.object({
      ShipmentIdentificationNumber: z.string(),
      ShipmentCharges: z.object({ TotalCharges: UpsCharge }).optional(),
      NegotiatedRateCharges: z.object({ TotalCharge: UpsCharge }).optional(),
      PackageResults: oneOrMany(PackageResult),
    }),
  }),
});

export interface ParsedShipment {
  shipmentId: string;
  packages: { trackingNumber: string; format: string | undefined; document: Uint8Array | undefined }[];
  price?: ReturnType<typeof money>;
  alerts: string[];
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function parseShipResponse(json: unknown): ParsedShipment {
  const body = ShipResponseBody.parse(json).ShipmentResponse;
  const results = body.ShipmentResults;
  const charge = results.NegotiatedRateCharges?.TotalCharge ?? results.ShipmentCharges?.TotalCharges;
  return {
    shipmentId: results.ShipmentIdentificationNumber,
    packages: asArray(results.PackageResults).map((p) => ({
      trackingNumber: p.TrackingNumber,
      format: p.ShippingLabel?.ImageFormat.Code.toUpperCase(),
      document: p.ShippingLabel ? base64ToBytes(p.ShippingLabel.GraphicImage) : undefined,
    })),
    ...(charge ? { price: money(charge.MonetaryValue, charge.CurrencyCode) } : {}),
    alerts: asArray(body.Response.Alert).map((a) => a.Description ?? a.Code),
  };
}

/** ZPL labels concatenate into one print job; image labels cannot, so the first one is returned. */
function combineDocuments(format: LabelFormat, documents: Uint8Array[]): Uint8Array {
  if (format !== 'ZPL' || documents.length === 1) return documents[0] ?? new Uint8Array();
  const total = documents.reduce((n, d) => n + d.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const d of documents) {
    out.set(d, offset);
    offset += d.length;
  }
  return out;
}

export function toCarrierLabel(parsed: ParsedShipment, format: LabelFormat): CarrierLabel {
  const documents = parsed.packages.flatMap((p) => (p.document ? [p.document] : []));
  const warnings = [...parsed.alerts];
  if (format !== 'ZPL' && parsed.packages.length > 1) {
    const others = parsed.packages.slice(1).map((p) => p.trackingNumber);
    warnings.push(
      `${parsed.packages.length} package labels were created; this is the first, others: ${others.join(', ')}`,
    );
  }
  return {
    trackingNumber: parsed.packages[0]?.trackingNumber ?? parsed.shipmentId,
    format,
    document: combineDocuments(format, documents),
    mediaType: MEDIA_TYPES[format],
    ...(parsed.price ? { price: parsed.price } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export async function createUpsLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  if (!UPS_LABEL_FORMATS.includes(req.format)) {
    // Checked before sending: nothing was bought, so failing over is safe.
    throw new CarrierError({
      carrier: UPS_ID,
      account: ctx.account.id,
      failureClass: 'rejected',
      outcome: 'not_sent',
      message: `UPS does not produce ${req.format} labels on shipment; use ${UPS_LABEL_FORMATS.join(', ')}`,
      code: 'UNSUPPORTED_LABEL_FORMAT',
    });
  }
  const body = buildShipBody(req, shipperNumberOf(ctx));
  const res = await ctx.request({
    method: 'POST',
    path: UPS_PATHS.ship,
    headers: apiHeaders(true),
    body: JSON.stringify(body),
    operation: 'label',
  });
  const parsed = parseOrMalformed(ctx, res.json(), parseShipResponse, 'shipping');
  const label = toCarrierLabel(parsed, req.format);
  if (!label.document?.length) {
    // UPS charged the shipment but sent no label image: the caller must not buy it twice.
    throw new CarrierError({
      carrier: UPS_ID,
      account: ctx.account.id,
      failureClass: 'unavailable',
      outcome: 'ambiguous',
      message: `UPS created shipment ${parsed.shipmentId} but returned no label image`,
      code: 'NO_LABEL_IMAGE',
    });
  }
  return label;
}
