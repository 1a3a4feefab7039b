/**
 * What the simulator accepts, per the specs' required fields and enums. Schema violations
 * answer 400 `INVALID.INPUT.EXCEPTION` naming the field (FedEx's generic input refusal).
 */
import { z } from '@hono/zod-openapi';
import { type FedexErrorItem, MESSAGES } from './wire.ts';

/** FedEx accepts both `"10"` and `10` (the spec's own examples use both). */
const decimal = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).transform(Number);

const Weight = z.object({ units: z.enum(['KG', 'LB']), value: decimal });

const Dimensions = z.object({
  length: z.number().int().positive().max(999),
  width: z.number().int().positive().max(999),
  height: z.number().int().positive().max(999),
  // "Any value other than CM including blank/null will default to IN" (spec).
  units: z.string().optional(),
});

const LineItem = z.object({
  weight: Weight,
  dimensions: Dimensions.optional(),
  groupPackageCount: z.number().int().positive().optional(),
  customerReferences: z.array(z.object({ customerReferenceType: z.string(), value: z.string() })).optional(),
});
export type LineItem = z.infer<typeof LineItem>;

const Address = z.object({
  streetLines: z.array(z.string()).optional(),
  city: z.string().optional(),
  stateOrProvinceCode: z.string().optional(),
  postalCode: z.union([z.string(), z.number()]).transform(String).optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/),
  residential: z.boolean().optional(),
});
export type SimAddress = z.infer<typeof Address>;

const PICKUP_TYPES = [
  'CONTACT_FEDEX_TO_SCHEDULE',
  'DROPOFF_AT_FEDEX_LOCATION',
  'USE_SCHEDULED_PICKUP',
] as const;
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Customs = z.object({ commodities: z.array(z.record(z.string(), z.unknown())).min(1) }).partial();

export const RateBody = z.object({
  accountNumber: z.object({ value: z.string().min(1) }),
  requestedShipment: z.object({
    shipper: z.object({ address: Address }),
    recipient: z.object({ address: Address }),
    pickupType: z.enum(PICKUP_TYPES),
    serviceType: z.string().optional(),
    packagingType: z.string().optional(),
    shipDateStamp: date.optional(),
    rateRequestType: z.array(z.enum(['ACCOUNT', 'LIST', 'INCENTIVE', 'PREFERRED', 'NONE'])).optional(),
    customsClearanceDetail: Customs.optional(),
    requestedPackageLineItems: z.array(LineItem).min(1).max(99),
  }),
});
export type RateBody = z.infer<typeof RateBody>;

const Party = z.object({
  address: Address.extend({ streetLines: z.array(z.string().min(1)).min(1), city: z.string().min(1) }),
  contact: z.object({
    personName: z.string().optional(),
    companyName: z.string().optional(),
    phoneNumber: z.union([z.string(), z.number()]).optional(),
    emailAddress: z.string().optional(),
  }),
});

export const IMAGE_TYPES = ['ZPLII', 'EPL2', 'PDF', 'PNG'] as const;
const LABEL_STOCK_TYPES = [
  'PAPER_4X6',
  'STOCK_4X675',
  'PAPER_4X675',
  'PAPER_4X8',
  'PAPER_4X9',
  'PAPER_7X475',
  'PAPER_85X11_BOTTOM_HALF_LABEL',
  'PAPER_85X11_TOP_HALF_LABEL',
  'PAPER_LETTER',
  'STOCK_4X675_LEADING_DOC_TAB',
  'STOCK_4X8',
  'STOCK_4X9_LEADING_DOC_TAB',
  'STOCK_4X6',
  'STOCK_4X675_TRAILING_DOC_TAB',
  'STOCK_4X9_TRAILING_DOC_TAB',
  'STOCK_4X9',
  'STOCK_4X85_TRAILING_DOC_TAB',
  'STOCK_4X105_TRAILING_DOC_TAB',
] as const;

export const ShipBody = z.object({
  labelResponseOptions: z.enum(['URL_ONLY', 'LABEL']),
  accountNumber: z.object({ value: z.string() }),
  requestedShipment: z.object({
    shipDatestamp: date.optional(),
    shipper: Party,
    recipients: z.array(Party).min(1),
    pickupType: z.enum(PICKUP_TYPES),
    serviceType: z.string().min(1),
    packagingType: z.string().min(1),
    totalWeight: z.number().positive(),
    shippingChargesPayment: z.object({
      paymentType: z.enum(['SENDER', 'RECIPIENT', 'THIRD_PARTY', 'COLLECT']),
    }),
    labelSpecification: z.object({
      imageType: z.enum(IMAGE_TYPES),
      labelStockType: z.enum(LABEL_STOCK_TYPES),
    }),
    customsClearanceDetail: Customs.optional(),
    requestedPackageLineItems: z.array(LineItem).min(1).max(30),
  }),
});
export type ShipBody = z.infer<typeof ShipBody>;

export const TrackBody = z.object({
  includeDetailedScans: z.boolean().optional(),
  trackingInfo: z
    .array(z.object({ trackingNumberInfo: z.object({ trackingNumber: z.string().optional() }) }))
    .min(1)
    .max(30),
});
export type TrackBody = z.infer<typeof TrackBody>;

export const invalidInput = (field: string): FedexErrorItem => ({
  code: 'INVALID.INPUT.EXCEPTION',
  message: MESSAGES.invalidInput,
  parameterList: [{ key: 'field', value: field }],
});

/** The body as the schema sees it, or FedEx-shaped errors (one per offending field). */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; errors: FedexErrorItem[] } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '(body)'))];
  return { ok: false, errors: fields.slice(0, 10).map(invalidInput) };
}

/** The request body as JSON, or undefined when it is not JSON. */
export async function jsonBody(req: { text(): Promise<string> }): Promise<unknown> {
  try {
    return JSON.parse(await req.text());
  } catch {
    return undefined;
  }
}
