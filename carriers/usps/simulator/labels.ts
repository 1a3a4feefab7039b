/**
 * POST /labels/v3/label: needs the OAuth bearer AND X-Payment-Authorization-Token (401
 * otherwise), validates the LabelRequest like the real API (OASValidation, 160001 mailing
 * date), buys a label in the kit's label book, and answers 200 (the docs say 201) as
 * multipart/form-data (labelMetadata JSON + base64 labelImage, with a Content-Transfer-Encoding
 * header to ignore) or, with Accept application/vnd.usps.labels+json, one JSON object.
 * A repeated X-Idempotency-Key with the same body returns the same label, never a second one.
 */
import { z } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import { apiGuard, bearerToken, type SimAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { errorResponse, uspsRenderer } from './errors.ts';
import { impb } from './impb.ts';
import { dollars, domesticZone, entryDiscountCents, price } from './pricing.ts';
import { validateBody } from './validate.ts';

const API = '/labels/v3';
export const VENDOR_JSON = 'application/vnd.usps.labels+json';

const Address = z
  .looseObject({
    firstName: z.string().min(1).max(50).optional(),
    lastName: z.string().min(1).max(50).optional(),
    firm: z.string().max(50).optional(),
    streetAddress: z.string().min(1),
    secondaryAddress: z.string().optional(),
    city: z.string().min(1).max(28),
    state: z.string().regex(/^[A-Z]{2}$/),
    ZIPCode: z.string().regex(/^\d{5}$/),
    ZIPPlus4: z
      .string()
      .regex(/^\d{4}$/)
      .nullable()
      .optional(),
  })
  .refine((a) => Boolean(a.firm) || (Boolean(a.firstName) && Boolean(a.lastName)), {
    message: 'The First and Last Name or Firm Name are always required',
    path: ['firstName'],
  });

const MAIL_CLASSES = [
  'PARCEL_SELECT',
  'PARCEL_SELECT_LIGHTWEIGHT',
  'USPS_CONNECT_LOCAL',
  'USPS_CONNECT_REGIONAL',
  'USPS_CONNECT_MAIL',
  'USPS_GROUND_ADVANTAGE',
  'PRIORITY_MAIL_EXPRESS',
  'PRIORITY_MAIL',
  'FIRST-CLASS_PACKAGE_SERVICE',
  'LIBRARY_MAIL',
  'MEDIA_MAIL',
  'BOUND_PRINTED_MATTER',
] as const;

const PackageDescription = z.looseObject({
  mailClass: z.enum(MAIL_CLASSES),
  rateIndicator: z.string().regex(/^[A-Z0-9]{2}$/),
  weightUOM: z.literal('lb').optional(),
  weight: z.number().positive(),
  dimensionsUOM: z.literal('in').optional(),
  length: z.number().positive(),
  width: z.number().positive(),
  height: z.number().positive(),
  processingCategory: z.enum([
    'LETTERS',
    'FLATS',
    'MACHINABLE',
    'IRREGULAR',
    'NON_MACHINABLE',
    'NONSTANDARD',
  ]),
  mailingDate: z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/),
  extraServices: z.array(z.number().int()).max(5).optional(),
  destinationEntryFacilityType: z.enum([
    'NONE',
    'DESTINATION_NETWORK_DISTRIBUTION_CENTER',
    'DESTINATION_SECTIONAL_CENTER_FACILITY',
    'DESTINATION_DELIVERY_UNIT',
    'DESTINATION_SERVICE_HUB',
    'DESTINATION_REGIONAL_PROCESSING_DISTRIBUTION_CENTER',
  ]),
  customerReference: z
    .array(
      z.looseObject({
        referenceNumber: z.string().min(1).max(30),
        printReferenceNumber: z.boolean().optional(),
      }),
    )
    .max(4)
    .optional(),
});

const IMAGE_TYPES = [
  'PDF',
  'TIFF',
  'JPG',
  'PNG',
  'GIF',
  'SVG',
  'ZPL203DPI',
  'ZPL300DPI',
  'EPL300DPI',
  'LABEL_BROKER',
  'NONE',
] as const;
/** What the sandbox renders, by imageType: the kit's documents. */
const RENDERED: Record<string, { format: string; ext: string }> = {
  PDF: { format: 'PDF', ext: 'pdf' },
  PNG: { format: 'PNG', ext: 'png' },
  GIF: { format: 'GIF', ext: 'gif' },
  ZPL203DPI: { format: 'ZPL', ext: 'zpl' },
  ZPL300DPI: { format: 'ZPL', ext: 'zpl' },
};

/** LabelRequest (usps_labels.yaml), additionalProperties: false. */
const LabelRequest = z.strictObject({
  imageInfo: z
    .looseObject({
      imageType: z.enum(IMAGE_TYPES).default('PDF'),
      labelType: z.enum(['4X4LABEL', '4X5LABEL', '4X6LABEL', '6X4LABEL', '2X7LABEL']).optional(),
      receiptOption: z.enum(['SAME_PAGE', 'SEPARATE_PAGE', 'NONE']).optional(),
    })
    .optional(),
  toAddress: Address,
  fromAddress: Address,
  senderAddress: z.looseObject({}).optional(),
  returnAddress: z.looseObject({}).optional(),
  packageDescription: PackageDescription,
  customsForm: z.looseObject({}).optional(),
});
type LabelRequestT = z.infer<typeof LabelRequest>;

const DAY = 86_400_000;

/** Bearer (access) and payment token, both valid and of the same account. */
export function bothTokens(c: Context, sim: SimContext): SimAccount | undefined {
  const bearer = bearerToken(c);
  const payment = c.req.header('x-payment-authorization-token');
  if (!bearer || !payment) return undefined;
  const access = sim.tokens.verify(bearer);
  const paid = sim.tokens.verify(payment);
  if (!access.ok || access.kind !== 'access' || !paid.ok || paid.kind !== 'payment') return undefined;
  return access.account.id === paid.account.id ? access.account : undefined;
}

export function mailingDateError(sim: SimContext, mailingDate: string, api = API): Response | undefined {
  const day = Date.parse(mailingDate.slice(0, 10));
  const today = Date.parse(new Date(sim.clock()).toISOString().slice(0, 10));
  // One day of slack for time zones: a US date may be behind UTC.
  if (day >= today - DAY && day <= today + 45 * DAY) return undefined;
  return errorResponse(api, 400, [
    {
      code: '160001',
      parameter: 'packageDescription.mailingDate',
      detail: 'cannot be in the past or more than 45 days in the future',
    },
  ]);
}

export interface Sold {
  metadata: Record<string, unknown>;
  image: Uint8Array;
  mediaType: string;
  ext: string;
}

function sell(
  sim: SimContext,
  account: SimAccount,
  req: LabelRequestT,
  imageType: string,
  sequence: number,
): Sold {
  const pd = req.packageDescription;
  const rendered = RENDERED[imageType] ?? { format: 'PDF', ext: 'pdf' };
  const mid = account.settings?.mid ?? '904128936';
  const trackingNumber = impb(pd.mailClass, mid, sequence);
  const zone = domesticZone(req.fromAddress.ZIPCode, req.toAddress.ZIPCode) ?? 1;
  const priced = price(pd.mailClass, pd.weight, [pd.length, pd.width, pd.height], zone);
  priced.postage -= entryDiscountCents(pd.mailClass, pd.destinationEntryFacilityType);
  const to = req.toAddress;
  const name = to.firm ?? `${to.firstName ?? ''} ${to.lastName ?? ''}`.trim();
  const { bytes, mediaType } = sim.documents.render(rendered.format, [
    `USPS ${pd.mailClass.replace(/_/g, ' ')}`,
    'USPS TRACKING #',
    trackingNumber,
    name.toUpperCase(),
    to.streetAddress.toUpperCase(),
    `${to.city.toUpperCase()} ${to.state} ${to.ZIPCode}`,
  ]);
  const reference = pd.customerReference?.[0]?.referenceNumber;
  sim.labels.create({
    accountId: account.id,
    trackingNumber,
    ...(reference ? { reference } : {}),
    service: pd.mailClass,
    format: imageType,
    meta: {
      fromCity: req.fromAddress.city,
      fromZIP: req.fromAddress.ZIPCode,
      toCity: to.city,
      toState: to.state,
      toZIP: to.ZIPCode,
    },
  });
  const days = pd.mailClass === 'PRIORITY_MAIL_EXPRESS' ? 1 : pd.mailClass === 'PRIORITY_MAIL' ? 2 : 4;
  const { phone: _p, email: _e, ...labelAddress } = to as Record<string, unknown>;
  return {
    metadata: {
      labelAddress,
      routingInformation: `420${to.ZIPCode}${to.ZIPPlus4 ?? ''}`,
      trackingNumber,
      constructCode: 'C01',
      SKU: `D${pd.mailClass.slice(0, 2)}XX0XXXXC${String(zone).padStart(2, '0')}${String(priced.billableLb).padStart(3, '0')}`,
      postage: dollars(priced.postage),
      extraServices: [],
      zone: String(zone).padStart(2, '0'),
      commitment: {
        name: `${days}-Day`,
        expectedDeliveryDate: new Date(sim.clock() + days * DAY).toISOString().slice(0, 10),
      },
      weightUOM: 'lb',
      weight: pd.weight,
      dimensionalWeight: 0,
      fees: priced.fees.map((f) => ({ name: f.name, SKU: f.SKU, price: dollars(f.cents) })),
      bannerText: 'USPS TRACKING # USPS Ship',
      retailDistributionCode: '01',
    },
    image: bytes,
    mediaType,
    ext: rendered.ext,
  };
}

export function multipart(sold: Sold): Response {
  const boundary = Array.from(
    crypto.getRandomValues(new Uint8Array(18)),
    (b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62],
  ).join('');
  const body = [
    `--${boundary}`,
    'Content-Type: application/json',
    'Content-Disposition: form-data; name="labelMetadata"',
    '',
    JSON.stringify(sold.metadata),
    `--${boundary}`,
    `Content-Type: ${sold.mediaType}`,
    // Says binary, is base64: the spec tells clients to ignore this header.
    'Content-Transfer-Encoding: binary',
    `Content-Disposition: form-data; filename="labelImage.${sold.ext}"; name="labelImage"`,
    '',
    Buffer.from(sold.image).toString('base64'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return new Response(body, {
    status: 200,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

export function vendorJson(sold: Sold): Response {
  return new Response(
    JSON.stringify({ ...sold.metadata, labelImage: Buffer.from(sold.image).toString('base64') }),
    {
      status: 200,
      headers: { 'content-type': VENDOR_JSON },
    },
  );
}

export function mountLabels(app: Hono, sim: SimContext): void {
  const renderer = uspsRenderer(API);
  /** X-Idempotency-Key -> the body it was first used with and what was sold. */
  const idempotent = new Map<string, { body: string; sold: Sold; trackingNumber: string }>();
  let sequence = 0;

  app.post(`${API}/label`, apiGuard(sim, renderer, { endpoint: 'label', auth: bothTokens }), async (c) => {
    const text = await c.req.text();
    const body = await validateBody(text, LabelRequest, API);
    if (!body.ok) return body.response;
    const req = body.value;
    const dateError = mailingDateError(sim, req.packageDescription.mailingDate);
    if (dateError) return dateError;
    if (req.packageDescription.weight > 70) {
      return errorResponse(API, 400, [
        {
          code: '030004',
          parameter: 'packageDescription.weight',
          detail: 'Package weight does not qualify for this product.',
        },
      ]);
    }
    const imageType = req.imageInfo?.imageType ?? 'PDF';
    if (!RENDERED[imageType]) {
      return errorResponse(API, 400, [
        {
          code: 'OASValidation',
          parameter: 'imageInfo.imageType',
          detail: `'${imageType}' is not available in the sandbox`,
        },
      ]);
    }
    const account = bothTokens(c, sim);
    if (!account) return renderer.unauthorized();
    const key = c.req.header('x-idempotency-key');
    const earlier = key ? idempotent.get(`${account.id}:${key}`) : undefined;
    let sold: Sold;
    if (earlier && sim.labels.find(earlier.trackingNumber)) {
      if (earlier.body !== text) {
        return errorResponse(API, 400, [
          {
            code: 'IDEMPOTENCY',
            parameter: 'X-Idempotency-Key',
            detail: 'The key was already used with a different request',
          },
        ]);
      }
      sold = earlier.sold;
    } else {
      sequence += 1;
      sold = sell(sim, account, req, imageType, sequence);
      if (key)
        idempotent.set(`${account.id}:${key}`, {
          body: text,
          sold,
          trackingNumber: String(sold.metadata.trackingNumber),
        });
    }
    return (c.req.header('accept') ?? '').includes(VENDOR_JSON) ? vendorJson(sold) : multipart(sold);
  });
}
