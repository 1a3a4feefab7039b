/**
 * Unified label request <-> `POST /parcel/de/shipping/v2/orders`. One shipment per parcel;
 * countries are ISO alpha-3; weights in grams, sizes in millimetres. The answer is 200 for
 * one shipment and 207 (multi-status) for several, each item with its own `sstatus`
 * (double s); warnings arrive as `validationMessages` on a success. Documents come inline
 * (`label.b64` PDF, `label.zpl2` ZPL text) or as a link (`label.url`), which is fetched.
 */
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierLabelRequest, UpstreamRequest } from '../../../src/carrier/definition.ts';
import { type DocumentRead, documentFromBase64, documentFromBytes } from '../../../src/carrier/documents.ts';
import type { Address, LabelFormat } from '../../../src/domain/shipment.ts';
import { billingNumber, DEFAULT_PROFILE, ORDERS_PATH } from '../profile.ts';
import { itemMessages, LabelDataResponse, statusOf } from './errors.ts';
import { alpha3, grams, millimetres } from './wire.ts';

const DOC_FORMAT: Partial<Record<LabelFormat, string>> = { PDF: 'PDF', ZPL: 'ZPL2' };

function party(a: Address, withPhone: boolean): Record<string, string> {
  const name1 = (a.company ?? a.name ?? 'Unknown').slice(0, 50);
  const out: Record<string, string> = {
    name1,
    addressStreet: a.lines[0]!.slice(0, 50),
    city: a.city.slice(0, 40),
    country: alpha3(a.countryCode),
  };
  if (a.company && a.name) out.name2 = a.name.slice(0, 50);
  if (a.lines[1]) out.additionalAddressInformation1 = a.lines[1].slice(0, 60);
  if (a.lines[2]) out.additionalAddressInformation2 = a.lines[2].slice(0, 60);
  if (a.postalCode) out.postalCode = a.postalCode;
  if (a.email) out.email = a.email;
  // "For shipments within Germany, the phone number cannot be transmitted."
  if (a.phone && withPhone) out.phone = a.phone.slice(0, 20);
  return out;
}

export function buildLabelRequest(
  req: CarrierLabelRequest,
  settings: Readonly<Record<string, string>>,
): UpstreamRequest {
  const docFormat = DOC_FORMAT[req.format];
  if (!docFormat) throw new RangeError(`DHL Parcel DE does not print ${req.format} labels`);
  const international = req.recipient.countryCode !== 'DE';
  const shipments = req.parcels.map((parcel) => {
    const shipment: Record<string, unknown> = {
      product: req.service.code,
      billingNumber: billingNumber(settings, req.service.code),
      shipper: party(req.shipper, true),
      consignee: party(req.recipient, international),
      details: {
        weight: { uom: 'g', value: grams(parcel) },
        ...(parcel.dimensions
          ? {
              dim: {
                uom: 'mm',
                length: millimetres(parcel.dimensions.length, parcel.dimensions.unit),
                width: millimetres(parcel.dimensions.width, parcel.dimensions.unit),
                height: millimetres(parcel.dimensions.height, parcel.dimensions.unit),
              },
            }
          : {}),
      },
    };
    const reference = parcel.reference ?? req.reference;
    // refNo must be 8-35 characters; a shorter reference still prints as the cost centre.
    if (reference && reference.length >= 8) shipment.refNo = reference;
    else if (reference) shipment.costCenter = reference;
    if (req.shipDate) shipment.shipDate = req.shipDate;
    return shipment;
  });
  return {
    method: 'POST',
    path: ORDERS_PATH,
    // includeDocs=URL (account setting labelDelivery 'url') gives links instead of inline documents.
    query: { docFormat, includeDocs: settings.labelDelivery === 'url' ? 'URL' : 'include' },
    headers: { accept: 'application/json', 'content-type': 'application/json', 'accept-language': 'en-US' },
    body: JSON.stringify({ profile: settings.profile ?? DEFAULT_PROFILE, shipments }),
    operation: 'label',
  };
}

/** One created shipment of an orders answer, with its document as DHL gave it. */
export interface CreatedShipment {
  shipmentNo: string;
  label?: {
    b64?: string | undefined;
    zpl2?: string | undefined;
    url?: string | undefined;
    fileFormat?: string | undefined;
  };
}

/** What an orders answer says: the shipments created, the parcels refused, the warnings. */
export interface OrderAnswer {
  created: CreatedShipment[];
  /** One line per refused parcel ("parcel 2: The weight is too high."). */
  refused: string[];
  /** The sstatus title of the first refused item (GeneralShipmentError, Bad Request...). */
  refusalCode: string | undefined;
  /** Items DHL says it created whose shipment number could not be read (exactly). */
  unidentified: number;
  warnings: string[];
}

/**
 * Reads a 200/207 orders answer by the kit's tolerant rule. Only a 200/201 item with a
 * shipment number is a created shipment (recorded 207s mark a failed item 206
 * GeneralShipmentError). Throws UnreadableBodyError when no item can be read at all.
 */
export function readOrderAnswer(json: unknown): OrderAnswer {
  const read = readBody(LabelDataResponse, json);
  const items = read.value.items;
  const created: CreatedShipment[] = [];
  const refused: string[] = [];
  let refusalCode: string | undefined;
  let unidentified = 0;
  items.forEach((item, i) => {
    const status = statusOf(item.sstatus);
    const ok = status === undefined || status === 200 || status === 201;
    if (ok && item.shipmentNo) {
      created.push({ shipmentNo: item.shipmentNo, ...(item.label ? { label: item.label } : {}) });
      return;
    }
    if (ok && statusOf(item.sstatus) !== undefined) {
      unidentified += 1;
      return;
    }
    refusalCode ??= item.sstatus?.title;
    const why = itemMessages(item).join('; ') || item.sstatus?.title || 'shipment not created';
    refused.push(items.length > 1 ? `parcel ${i + 1}: ${why}` : why);
  });
  const warnings = items
    .flatMap((i) => i.validationMessages.filter((v) => v.validationState !== 'Error'))
    .map((v) => (v.property ? `${v.property}: ${v.validationMessage}` : (v.validationMessage ?? '')))
    .filter(Boolean);
  return { created, refused, refusalCode, unidentified, warnings: [...read.warnings, ...warnings] };
}

/** The document of a created shipment: inline base64 PDF, ZPL text, or a link fetched by the caller. */
export function inlineDocument(shipment: CreatedShipment): DocumentRead | { url: string } {
  const label = shipment.label;
  if (label?.b64) return documentFromBase64(label.b64, label.fileFormat);
  // ZPL comes as text in `zpl2`, not base64.
  if (label?.zpl2) return documentFromBytes(new TextEncoder().encode(label.zpl2), 'ZPL2');
  if (label?.url) return { url: label.url };
  return { ok: false, reason: 'missing', detail: `no label document for shipment ${shipment.shipmentNo}` };
}
