/**
 * Unified label request -> POST /api/shipments/{version}/ship and back.
 * Labels come back base64 in PackageResults.ShippingLabel.GraphicImage; PackageResults is an
 * OBJECT for one package and an ARRAY for several. Formats: GIF, ZPL (and PNG); never PDF.
 * Once UPS answered 2xx the shipment exists: an answer without a label image, or with one that
 * cannot be decoded, is still a bought label with its tracking number and price.
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext, CarrierLabel, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import { documentFromBase64 } from '../../../src/carrier/documents.ts';
import {
  boughtLabel,
  interpretAnswer,
  refusedBeforeSending,
  type ShipmentFacts,
} from '../../../src/carrier/outcomes.ts';
import { identity, optionalList, text } from '../../../src/carrier/wire.ts';
import type { LabelFormat } from '../../../src/domain/shipment.ts';
import { UPS_LABEL_FORMATS, UPS_PATHS } from '../profile.ts';
import { shipperNumberOf } from './context.ts';
import { CUSTOMER_PACKAGING, unitSystemFor, upsDimensions, upsParty, upsWeight } from './shipment-parts.ts';
import { alertTexts, apiHeaders, chargeMoney, UpsCharge, UpsResponse } from './wire.ts';

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
  TrackingNumber: identity,
  ShippingLabel: z
    .object({
      ImageFormat: z.object({ Code: text }).optional(),
      GraphicImage: z.string().optional(),
    })
    .optional(),
});

export const ShipResponseBody = z.object({
  ShipmentResponse: z.object({
    Response: UpsResponse.optional(),
    ShipmentResults: z.object({
      ShipmentIdentificationNumber: identity.optional(),
      ShipmentCharges: z.object({ TotalCharges: UpsCharge }).optional(),
      NegotiatedRateCharges: z.object({ TotalCharge: UpsCharge }).optional(),
      PackageResults: optionalList(PackageResult),
    }),
  }),
});

/** What a ship answer says: the shipment's tracking number, price, one document per package. */
export function parseShipResponse(json: unknown, requested: LabelFormat, status = 200): ShipmentFacts {
  const read = readBody(ShipResponseBody, json);
  const response = read.value.ShipmentResponse;
  const results = response.ShipmentResults;
  const charge = results.NegotiatedRateCharges?.TotalCharge ?? results.ShipmentCharges?.TotalCharges;
  const packages = results.PackageResults;
  const warnings = [...read.warnings, ...alertTexts(response.Response?.Alert ?? [])];
  if (packages.length > 1) {
    warnings.push(
      `${packages.length} package labels were created: ${packages.map((p) => p.TrackingNumber).join(', ')}`,
    );
  }
  return {
    trackingNumber: packages[0]?.TrackingNumber ?? results.ShipmentIdentificationNumber,
    ...(charge ? { price: chargeMoney(charge) } : {}),
    documents: packages.map((p) =>
      documentFromBase64(p.ShippingLabel?.GraphicImage, p.ShippingLabel?.ImageFormat?.Code),
    ),
    warnings,
    requested,
    status,
  };
}

export async function createUpsLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  if (!UPS_LABEL_FORMATS.includes(req.format)) {
    // Checked before sending: nothing was bought, so failing over is safe.
    throw refusedBeforeSending(
      ctx,
      'UNSUPPORTED_LABEL_FORMAT',
      `UPS does not produce ${req.format} labels on shipment; use ${UPS_LABEL_FORMATS.join(', ')}`,
    );
  }
  const body = buildShipBody(req, shipperNumberOf(ctx));
  const res = await ctx.request({
    method: 'POST',
    path: UPS_PATHS.ship,
    headers: apiHeaders(true),
    body: JSON.stringify(body),
    operation: 'label',
  });
  return boughtLabel(
    ctx,
    interpretAnswer(ctx, res, (json) => parseShipResponse(json, req.format, res.status)),
  );
}
