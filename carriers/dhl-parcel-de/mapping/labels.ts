/**
 * Unified label request <-> `POST /parcel/de/shipping/v2/orders`. One shipment per parcel;
 * countries are ISO alpha-3; weights in grams, sizes in millimetres. The answer is 200 for
 * one shipment and 207 (multi-status) for several, each item with its own `sstatus`
 * (double s); warnings arrive as `validationMessages` on a success.
 */
import type { z } from '@hono/zod-openapi';
import type { CarrierLabel, CarrierLabelRequest, UpstreamRequest } from '../../../src/carrier/definition.ts';
import type { Address, LabelFormat } from '../../../src/domain/shipment.ts';
import { billingNumber, DEFAULT_PROFILE, ORDERS_PATH } from '../profile.ts';
import { itemMessages, LabelDataResponse, type ResponseItem, statusOf } from './errors.ts';
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
    query: { docFormat, includeDocs: 'include' },
    headers: { accept: 'application/json', 'content-type': 'application/json', 'accept-language': 'en-US' },
    body: JSON.stringify({ profile: settings.profile ?? DEFAULT_PROFILE, shipments }),
    operation: 'label',
  };
}

/** Why a 2xx answer still did not give every label; `created` says what exists anyway. */
export class PartialLabelError extends Error {
  readonly code: string;
  readonly created: string[];
  constructor(code: string, message: string, created: string[]) {
    super(message);
    this.name = 'PartialLabelError';
    this.code = code;
    this.created = created;
  }
}

type Item = z.infer<typeof ResponseItem>;

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function documentOf(item: Item): { bytes: Uint8Array; format: LabelFormat } {
  const label = item.label;
  if (label?.b64)
    return { bytes: fromBase64(label.b64), format: label.fileFormat === 'ZPL2' ? 'ZPL' : 'PDF' };
  // ZPL comes as text in `zpl2`, not base64.
  if (label?.zpl2) return { bytes: new TextEncoder().encode(label.zpl2), format: 'ZPL' };
  throw new TypeError(`no label document for shipment ${item.shipmentNo ?? '?'}`);
}

export function parseLabel(json: unknown, requested: LabelFormat): CarrierLabel {
  const parsed = LabelDataResponse.safeParse(json);
  if (!parsed.success || !parsed.data.items?.length) {
    throw new TypeError('DHL Parcel DE orders answer does not have the documented shape');
  }
  const items = parsed.data.items;
  // Only a 200/201 item with a shipment number is a label; recorded 207s mark a failed item 206 GeneralShipmentError.
  const ok = items.filter((i) => i.shipmentNo && [200, 201, undefined].includes(statusOf(i.sstatus)));
  const failed = items.filter((i) => !ok.includes(i));
  if (failed.length) {
    const created = ok.map((i) => i.shipmentNo!);
    const why =
      failed.flatMap(itemMessages).join('; ') || failed[0]?.sstatus?.title || 'shipment not created';
    throw new PartialLabelError(failed[0]?.sstatus?.title ?? 'GeneralShipmentError', why, created);
  }
  const first = ok[0]!;
  const docs = ok.map(documentOf);
  const format = docs[0]!.format;
  let document = docs[0]!.bytes;
  const warnings = items
    .flatMap((i) => (i.validationMessages ?? []).filter((v) => v.validationState !== 'Error'))
    .map((v) => (v.property ? `${v.property}: ${v.validationMessage}` : (v.validationMessage ?? '')))
    .filter(Boolean);
  if (docs.length > 1) {
    if (format === 'ZPL') {
      // ZPL is text: the labels of all parcels print as one job.
      const total = docs.reduce((n, d) => n + d.bytes.length, 0);
      document = new Uint8Array(total);
      let at = 0;
      for (const d of docs) {
        document.set(d.bytes, at);
        at += d.bytes.length;
      }
    } else {
      warnings.push(
        `labels of further parcels (shipments ${ok
          .slice(1)
          .map((i) => i.shipmentNo)
          .join(', ')}) not included`,
      );
    }
  }
  if (format !== requested) warnings.push(`asked for ${requested}, DHL Parcel DE returned ${format}`);
  return {
    trackingNumber: first.shipmentNo!,
    format,
    document,
    mediaType: format === 'ZPL' ? 'application/x-zpl' : 'application/pdf',
    ...(warnings.length ? { warnings } : {}),
  };
}
