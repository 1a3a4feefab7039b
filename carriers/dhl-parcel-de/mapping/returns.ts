/**
 * Unified label request <-> Parcel DE Returns API `POST /parcel/de/shipping/returns/v1/orders`
 * (pp-parcel-returns.yaml 1.1.0): a DHL Retoure label for a parcel sent back to Germany.
 * The order names no product and no consignee: `receiverId` picks the return receiver set up
 * in the business customer portal for the shipper's country. One parcel per order; the answer
 * is 201 with `shipmentNo` and the label in `label.b64` (PDF) or `label.zpl2` (create-label.ts).
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierLabelRequest, UpstreamRequest } from '../../../src/carrier/definition.ts';
import { identity, text, wholeNumber } from '../../../src/carrier/wire.ts';
import type { LabelFormat } from '../../../src/domain/shipment.ts';
import { RETURNS_PATH } from '../profile.ts';
import { RETURN_ORIGINS } from '../zones.ts';
import type { CreatedShipment } from './labels.ts';
import { alpha3, grams, splitStreet } from './wire.ts';

const DOC_FORMAT: Partial<Record<LabelFormat, string>> = { PDF: 'PDF', ZPL: 'ZPL2' };
/** itemValue.currency enum of the spec. */
const VALUE_CURRENCIES = new Set(['EUR', 'GBP', 'CHF']);

/** A request the Returns API cannot take; nothing was sent. */
export class ReturnInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ReturnInputError';
    this.code = code;
  }
}

/** Whether a label request is a return to Germany (the shipper is abroad). */
export const isReturn = (req: Pick<CarrierLabelRequest, 'shipper'>): boolean =>
  req.shipper.countryCode !== 'DE';

/**
 * The receiver id for returns from `country`: `returnsReceiverId.<alpha-2>` when the account
 * sets one, else the lower-case alpha-3 code, which is how the spec's examples name the
 * receivers ('deu', 'che').
 */
export function receiverIdFor(settings: Readonly<Record<string, string>>, country: string): string {
  return settings[`returnsReceiverId.${country}`] ?? alpha3(country).toLowerCase();
}

export function buildReturnRequest(
  req: CarrierLabelRequest,
  settings: Readonly<Record<string, string>>,
): UpstreamRequest {
  const from = req.shipper.countryCode;
  if (req.recipient.countryCode !== 'DE' || !RETURN_ORIGINS.has(from)) {
    throw new ReturnInputError(
      'route',
      `DHL Retoure labels go back to Germany from an EU country, not from ${from} to ${req.recipient.countryCode}`,
    );
  }
  const docFormat = DOC_FORMAT[req.format];
  if (!docFormat) throw new ReturnInputError('format', `DHL Retoure does not print ${req.format} labels`);
  const [parcel, ...more] = req.parcels;
  if (!parcel || more.length)
    throw new ReturnInputError('parcels', 'a DHL Retoure order is exactly one parcel');
  const line = req.shipper.lines[0] ?? '';
  const street = splitStreet(line);
  if (!street) {
    throw new ReturnInputError(
      'addressHouse',
      'the shipper address needs a house number in its first line (the Returns API takes street and house number apart)',
    );
  }
  const s = req.shipper;
  const shipper: Record<string, string> = {
    name1: (s.company ?? s.name ?? 'Unknown').slice(0, 50),
    addressStreet: street.street.slice(0, 50),
    addressHouse: street.house.slice(0, 10),
    postalCode: s.postalCode ?? '',
    city: s.city.slice(0, 40),
  };
  if (s.company && s.name) shipper.name2 = s.name.slice(0, 50);
  if (s.lines[1]) shipper.name3 = s.lines[1].slice(0, 50);
  if (s.email) shipper.email = s.email.slice(0, 70);
  if (s.phone) shipper.phone = s.phone.slice(0, 20);
  if (s.stateCode) shipper.state = s.stateCode.slice(0, 20);
  const value = req.options?.insuredValue;
  const body: Record<string, unknown> = {
    receiverId: receiverIdFor(settings, from),
    shipper,
    itemWeight: { uom: 'g', value: grams(parcel) },
    ...(value && VALUE_CURRENCIES.has(value.currency)
      ? { itemValue: { currency: value.currency, value: Number(value.amount) } }
      : {}),
  };
  const reference = parcel.reference ?? req.reference;
  // The first 30 characters of customerReference are printed on the label.
  if (reference) body.customerReference = reference.slice(0, 50);
  return {
    method: 'POST',
    path: RETURNS_PATH,
    query: { labelType: 'SHIPMENT_LABEL', docFormat },
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    operation: 'label',
  };
}

/** ReturnOrderConfirmation: shipmentNo, label, routingCode and sstatus are required. */
export const ReturnOrderConfirmation = z.looseObject({
  shipmentNo: identity,
  internationalShipmentNo: identity.optional(),
  label: z
    .looseObject({ b64: z.string().optional(), zpl2: z.string().optional(), url: z.string().optional() })
    .optional(),
  routingCode: text.optional(),
  sstatus: z.looseObject({ title: text.optional(), status: wholeNumber.optional() }).optional(),
});

/** A 201 ReturnOrderConfirmation read by the kit's tolerant rule (UnreadableBodyError without shipmentNo). */
export function readReturnAnswer(json: unknown): { shipment: CreatedShipment; warnings: string[] } {
  const read = readBody(ReturnOrderConfirmation, json);
  const { shipmentNo, internationalShipmentNo, label } = read.value;
  const warnings = [...read.warnings];
  if (internationalShipmentNo) warnings.push(`international shipment number ${internationalShipmentNo}`);
  return { shipment: { shipmentNo, ...(label ? { label } : {}) }, warnings };
}
