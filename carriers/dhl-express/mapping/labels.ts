/**
 * Unified label request <-> MyDHL `POST /shipments` (201). The answer carries
 * `shipmentTrackingNumber` (a string in the spec, a number in recorded answers) and
 * `documents[]` of base64 content; the transport label is typeCode 'label' (one per piece).
 */
import { z } from '@hono/zod-openapi';
import type { CarrierLabel, CarrierLabelRequest, UpstreamRequest } from '../../../src/carrier/definition.ts';
import { decimalToNumber, parseDecimal } from '../../../src/domain/decimal.ts';
import type { LabelFormat } from '../../../src/domain/shipment.ts';
import { totalWeight } from '../../../src/domain/units.ts';
import { isCustomsDeclarable } from './customs.ts';
import {
  JSON_HEADERS,
  metricPackage,
  mydhlHeaders,
  plannedShippingDateAndTime,
  postalAddress,
} from './wire.ts';

const ENCODING: Partial<Record<LabelFormat, string>> = { PDF: 'pdf', ZPL: 'zpl' };

/** A request that cannot be sent as asked: refused before anything reaches DHL. */
export class LabelInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LabelInputError';
    this.code = code;
  }
}

function contact(a: CarrierLabelRequest['shipper']): Record<string, string> {
  const fullName = a.name ?? a.company ?? 'Shipping';
  const info: Record<string, string> = {
    phone: a.phone ?? '0000000',
    companyName: a.company ?? fullName,
    fullName,
  };
  if (a.email) info.email = a.email;
  return info;
}

export function buildLabelRequest(
  req: CarrierLabelRequest,
  accountNumber: string,
  now?: Date,
): UpstreamRequest {
  const encodingFormat = ENCODING[req.format];
  if (!encodingFormat) throw new LabelInputError('format', `DHL Express does not print ${req.format} labels`);
  const declarable = isCustomsDeclarable(req.shipper.countryCode, req.recipient.countryCode);
  const kg = decimalToNumber(
    parseDecimal(
      totalWeight(
        req.parcels.map((p) => p.weight),
        'kg',
        { decimals: 3 },
      ),
    ),
  );
  const content: Record<string, unknown> = {
    packages: req.parcels.map((p, i) => ({
      ...metricPackage(p),
      ...(p.reference ? { customerReferences: [{ value: p.reference, typeCode: 'CU' }] } : {}),
      referenceNumber: i + 1,
    })),
    isCustomsDeclarable: declarable,
    description: req.reference ?? 'Merchandise',
    incoterm: 'DAP',
    unitOfMeasurement: 'metric',
  };
  if (declarable) {
    // Dutiable shipments need a declared value and an export declaration; the unified model
    // carries the value as options.insuredValue, so without it nothing is sent.
    const value = req.options?.insuredValue;
    if (!value) {
      throw new LabelInputError(
        'declaredValue',
        'DHL Express needs a declared value (options.insuredValue) for shipments that cross a customs border',
      );
    }
    const amount = decimalToNumber(parseDecimal(value.amount));
    content.declaredValue = amount;
    content.declaredValueCurrency = value.currency;
    content.exportDeclaration = {
      lineItems: [
        {
          number: 1,
          description: req.reference ?? 'Merchandise',
          price: amount,
          quantity: { value: 1, unitOfMeasurement: 'PCS' },
          manufacturerCountry: req.shipper.countryCode,
          weight: { netValue: kg, grossValue: kg },
        },
      ],
      invoice: {
        number: req.reference ?? 'INV-1',
        date: (req.shipDate ?? new Date().toISOString()).slice(0, 10),
      },
    };
  }
  const body = {
    plannedShippingDateAndTime: plannedShippingDateAndTime(req.shipDate, now),
    pickup: { isRequested: false },
    productCode: req.service.code,
    accounts: [{ typeCode: 'shipper', number: accountNumber }],
    outputImageProperties: {
      encodingFormat,
      imageOptions: [
        { typeCode: 'label', isRequested: true },
        { typeCode: 'waybillDoc', isRequested: false },
      ],
      splitTransportAndWaybillDocLabels: true,
      allDocumentsInOneImage: false,
    },
    ...(req.reference ? { customerReferences: [{ value: req.reference, typeCode: 'CU' }] } : {}),
    customerDetails: {
      shipperDetails: {
        postalAddress: postalAddress(req.shipper),
        contactInformation: contact(req.shipper),
      },
      receiverDetails: {
        postalAddress: postalAddress(req.recipient),
        contactInformation: contact(req.recipient),
      },
    },
    content,
  };
  return {
    method: 'POST',
    path: '/shipments',
    headers: { ...mydhlHeaders(), ...JSON_HEADERS },
    body: JSON.stringify(body),
    operation: 'label',
  };
}

const Document = z.looseObject({ imageFormat: z.string(), content: z.string(), typeCode: z.string() });
export const ShipmentResponse = z.looseObject({
  shipmentTrackingNumber: z.union([z.string(), z.number()]),
  packages: z.array(z.looseObject({ trackingNumber: z.string().optional() })).optional(),
  documents: z.array(Document).optional(),
  warnings: z.array(z.string()).optional(),
});

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const MEDIA: Record<string, string> = { PDF: 'application/pdf', ZPL: 'application/x-zpl' };

export function parseLabel(json: unknown, requested: LabelFormat): CarrierLabel {
  const parsed = ShipmentResponse.safeParse(json);
  if (!parsed.success) throw new TypeError('DHL Express shipment answer does not have the documented shape');
  const r = parsed.data;
  // The recorded answers give the number as a JSON number: keep its digits as a string.
  const trackingNumber = String(r.shipmentTrackingNumber);
  const labels = (r.documents ?? []).filter((d) => d.typeCode === 'label');
  const first = labels[0];
  if (!first) throw new TypeError('DHL Express shipment answer has no label document');
  const format = (first.imageFormat.toUpperCase() === 'ZPL' ? 'ZPL' : 'PDF') as LabelFormat;
  const warnings = [...(r.warnings ?? [])];
  let document: Uint8Array;
  if (format === 'ZPL' && labels.length > 1) {
    // ZPL is plain text: one label per piece prints as one job when concatenated.
    const parts = labels.map((d) => fromBase64(d.content));
    document = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      document.set(p, offset);
      offset += p.length;
    }
  } else {
    document = fromBase64(first.content);
    if (labels.length > 1) warnings.push(`${labels.length - 1} further label document(s) not included`);
  }
  if (format !== requested) warnings.push(`asked for ${requested}, DHL Express returned ${format}`);
  return {
    trackingNumber,
    format,
    document,
    mediaType: MEDIA[format] ?? 'application/octet-stream',
    ...(warnings.length ? { warnings } : {}),
  };
}
