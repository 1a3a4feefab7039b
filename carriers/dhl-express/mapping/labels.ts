/**
 * Unified label request <-> MyDHL `POST /shipments` (201). The answer carries
 * `shipmentTrackingNumber` (a string in the spec, a number in recorded answers) and
 * `documents[]` of base64 content; the transport label is typeCode 'label' (one per piece).
 * Read by the carrier kit: a label document that is not valid base64 costs the document,
 * never the shipment number.
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierLabelRequest, UpstreamRequest } from '../../../src/carrier/definition.ts';
import { documentFromBase64 } from '../../../src/carrier/documents.ts';
import type { ShipmentFacts } from '../../../src/carrier/outcomes.ts';
import { identity, optionalList, text } from '../../../src/carrier/wire.ts';
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

const Document = z.looseObject({
  imageFormat: text.optional(),
  content: z.string().optional(),
  // Required by the spec, absent in recorded answers: its absence costs the type, not the document.
  typeCode: text.optional(),
});
type Document = z.infer<typeof Document>;

/**
 * The transport labels: the documents typed 'label'; when none is typed at all, the untyped
 * ones (the request asks for labels only, so an untyped document is the label), said so.
 */
function labelDocuments(documents: Document[]): { labels: Document[]; warnings: string[] } {
  const typed = documents.filter((d) => d.typeCode === 'label');
  if (typed.length > 0) return { labels: typed, warnings: [] };
  const untyped = documents.filter((d) => d.typeCode === undefined || d.typeCode.trim() === '');
  return {
    labels: untyped,
    warnings: untyped.length > 0 ? ['a document without typeCode was taken as the label'] : [],
  };
}
export const ShipmentResponse = z.looseObject({
  shipmentTrackingNumber: identity,
  packages: optionalList(z.looseObject({ trackingNumber: identity.optional() })),
  documents: optionalList(Document),
  warnings: optionalList(text),
});

/** What a 201 shipment answer says (UnreadableBodyError without a shipment tracking number). */
export function parseShipment(json: unknown, requested: LabelFormat, status = 201): ShipmentFacts {
  const read = readBody(ShipmentResponse, json);
  const r = read.value;
  // The recorded answers give the number as a JSON number: the kit keeps its digits exactly.
  const { labels, warnings: labelWarnings } = labelDocuments(r.documents);
  const documents = labels.map((d) => documentFromBase64(d.content, d.imageFormat));
  const pieces = r.packages.flatMap((p) => (p.trackingNumber ? [p.trackingNumber] : []));
  return {
    trackingNumber: r.shipmentTrackingNumber,
    documents,
    warnings: [
      ...read.warnings,
      ...labelWarnings,
      ...r.warnings,
      ...(pieces.length > 1 ? [`piece tracking numbers: ${pieces.join(', ')}`] : []),
    ],
    requested,
    status,
  };
}
