/**
 * Unified label request -> POST /labels/v3/label and back (usps_labels.yaml). The call needs
 * both the OAuth bearer and the payment authorization token: `auth: 'payment'` makes the
 * broker attach both. USPS answers 200 (not the documented 201) with either
 * `multipart/form-data` (default: a JSON `labelMetadata` part and a base64 `labelImage` part,
 * whatever its headers say) or, with `Accept: application/vnd.usps.labels+json`, one JSON
 * object with the base64 image inline. Both are read here.
 */
import type {
  CarrierContext,
  CarrierLabel,
  CarrierLabelRequest,
  UpstreamResponse,
} from '../../../src/carrier/definition.ts';
import { money, sumMoney } from '../../../src/domain/money.ts';
import type { LabelFormat, Money } from '../../../src/domain/shipment.ts';
import { IMAGE_TYPES, isDomestic } from '../profile.ts';
import { toUspsAddress, usZip } from './address.ts';
import { fromBase64 } from './base64.ts';
import { boundaryOf, parseMultipart, partText } from './multipart.ts';
import { toUspsPackage, wireNumber } from './package.ts';
import { refuse, unreadable } from './refuse.ts';
import { LabelMetadata, LabelVendorResponse } from './wire.ts';

export const LABEL_PATH = '/labels/v3/label';
export const VENDOR_JSON = 'application/vnd.usps.labels+json';

export const MEDIA_TYPES: Record<LabelFormat, string> = {
  PDF: 'application/pdf',
  ZPL: 'application/x-zpl',
  PNG: 'image/png',
  GIF: 'image/gif',
};

const RATE_INDICATOR: Record<string, string> = { PRIORITY_MAIL_EXPRESS: 'PA' };

/** Today's date in UTC: never "in the past" for a US post office (usps 160001). */
const today = (): string => new Date().toISOString().slice(0, 10);

/** The LabelRequest body. Throws a not_sent refusal for what USPS domestic labels cannot do. */
export function buildLabelRequest(ctx: CarrierContext, req: CarrierLabelRequest): Record<string, unknown> {
  if (
    req.service.scope === 'international' ||
    !isDomestic(req.shipper.countryCode, req.recipient.countryCode)
  ) {
    throw refuse(ctx, 'INTERNATIONAL_LABEL', 'USPS labels through this gateway are domestic only');
  }
  const [parcel, ...more] = req.parcels;
  if (!parcel || more.length) {
    throw refuse(ctx, 'ONE_PACKAGE', 'a USPS label carries exactly one package: send one parcel per label');
  }
  const from = usZip(req.shipper.postalCode);
  const to = usZip(req.recipient.postalCode);
  if (!from) throw refuse(ctx, 'ORIGIN_ZIP', 'USPS needs a US ZIP code for the shipper (shipper.postalCode)');
  if (!to)
    throw refuse(ctx, 'DESTINATION_ZIP', 'USPS needs a US ZIP code for the recipient (recipient.postalCode)');

  const pkg = toUspsPackage(parcel);
  const packageDescription: Record<string, unknown> = {
    mailClass: req.service.code,
    rateIndicator: RATE_INDICATOR[req.service.code] ?? 'SP',
    weightUOM: 'lb',
    weight: wireNumber(pkg.weight),
    dimensionsUOM: 'in',
    length: wireNumber(pkg.length),
    width: wireNumber(pkg.width),
    height: wireNumber(pkg.height),
    processingCategory: pkg.processingCategory,
    mailingDate: req.shipDate ?? today(),
    extraServices: [],
    destinationEntryFacilityType: 'NONE',
  };
  if (req.reference) {
    packageDescription.customerReference = [{ referenceNumber: req.reference, printReferenceNumber: true }];
  }
  return {
    imageInfo: { imageType: IMAGE_TYPES[req.format], labelType: '4X6LABEL', receiptOption: 'NONE' },
    toAddress: toUspsAddress(req.recipient, to),
    fromAddress: toUspsAddress(req.shipper, from),
    packageDescription,
  };
}

/** What a label answer holds once read, whichever encoding USPS chose. */
export interface ParsedLabel {
  metadata: LabelMetadata;
  image: Uint8Array;
}

/** Reads a label answer (multipart or vendor JSON); undefined when it holds no label. */
export function parseLabelResponse(contentType: string | null, body: Uint8Array): ParsedLabel | undefined {
  const type = (contentType ?? '').toLowerCase();
  try {
    if (type.startsWith('multipart/')) {
      const boundary = boundaryOf(contentType);
      if (!boundary) return undefined;
      const parts = parseMultipart(body, boundary);
      const meta = parts.find((p) => p.name === 'labelMetadata');
      const image = parts.find((p) => p.name === 'labelImage');
      if (!meta || !image) return undefined;
      const metadata = LabelMetadata.safeParse(JSON.parse(partText(meta)));
      // "Ignore the Content-Transfer-Encoding header ... always Base64 encoded" (usps_labels.yaml).
      return metadata.success ? { metadata: metadata.data, image: fromBase64(partText(image)) } : undefined;
    }
    const vendor = LabelVendorResponse.safeParse(JSON.parse(new TextDecoder().decode(body)));
    if (!vendor.success || !vendor.data.labelImage) return undefined;
    return { metadata: vendor.data, image: fromBase64(vendor.data.labelImage) };
  } catch {
    return undefined;
  }
}

/** Postage plus extra services and fees ("postage ... does not include insurance or other extra service fees"). */
export function labelPrice(metadata: LabelMetadata): Money | undefined {
  if (metadata.postage === undefined) return undefined;
  const amounts = [
    money(metadata.postage, 'USD'),
    ...(metadata.extraServices ?? []).flatMap((s) => (s.price === undefined ? [] : [money(s.price, 'USD')])),
    ...(metadata.fees ?? []).map((f) => money(f.price, 'USD')),
  ];
  return sumMoney(amounts);
}

function labelWarnings(metadata: LabelMetadata): string[] {
  const texts = (metadata.extraServices ?? []).flatMap((s) =>
    (s.warnings ?? []).map((w) => w.warningDescription),
  );
  return [...new Set(texts.filter((t): t is string => Boolean(t)))];
}

export function toCarrierLabel(parsed: ParsedLabel, format: LabelFormat): CarrierLabel {
  const label: CarrierLabel = {
    trackingNumber: parsed.metadata.trackingNumber,
    format,
    document: parsed.image,
    mediaType: MEDIA_TYPES[format],
  };
  const price = labelPrice(parsed.metadata);
  if (price) label.price = price;
  const warnings = labelWarnings(parsed.metadata);
  if (warnings.length) label.warnings = warnings;
  return label;
}

/** 'json' (default) asks for the vendor JSON answer; 'multipart' takes the API's default. */
const wantsMultipart = (ctx: CarrierContext): boolean => ctx.account.settings.labelResponse === 'multipart';

export async function createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel> {
  const body = buildLabelRequest(ctx, req);
  const res: UpstreamResponse = await ctx.request({
    method: 'POST',
    path: LABEL_PATH,
    headers: {
      'Content-Type': 'application/json',
      // With multipart, Accept only chooses the metadata part's encoding (usps_labels.yaml).
      Accept: wantsMultipart(ctx) ? 'application/json' : VENDOR_JSON,
    },
    body: JSON.stringify(body),
    auth: 'payment',
    operation: 'label',
  });
  const parsed = parseLabelResponse(res.headers.get('content-type'), res.body);
  // A 2xx without a readable label may still have bought one: never report it as safe to retry.
  if (!parsed) {
    throw unreadable(
      ctx,
      'MALFORMED_LABEL',
      `USPS answered HTTP ${res.status} without a readable label`,
      'ambiguous',
      res.status,
    );
  }
  return toCarrierLabel(parsed, req.format);
}
