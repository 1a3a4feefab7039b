/**
 * The unified shipping model: one shape for every carrier. These zod schemas are the API
 * contract (validation and the OpenAPI document are generated from them) and the types the
 * carrier mappings translate to and from.
 */
import { z } from '@hono/zod-openapi';
import { FAILURE_CLASSES } from './failure.ts';

export const SERVICE_LEVELS = ['overnight', 'express', 'ground', 'standard', 'economy'] as const;
export const ServiceLevel = z.enum(SERVICE_LEVELS).openapi('ServiceLevel', {
  description:
    'Unified service level. overnight: next business day; express: time-definite 1-3 days (international express); ' +
    'ground: domestic road network; standard: regular parcel service; economy: cheapest, slowest.',
});
export type ServiceLevel = z.infer<typeof ServiceLevel>;

export const LABEL_FORMATS = ['PDF', 'ZPL', 'PNG', 'GIF'] as const;
export const LabelFormat = z.enum(LABEL_FORMATS).openapi('LabelFormat');
export type LabelFormat = z.infer<typeof LabelFormat>;

export const WEIGHT_UNITS = ['kg', 'g', 'lb', 'oz'] as const;
export const LENGTH_UNITS = ['cm', 'in'] as const;

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in upper case, such as US or FR');

export const Address = z
  .object({
    name: z.string().min(1).max(100).optional(),
    company: z.string().min(1).max(100).optional(),
    phone: z.string().min(3).max(30).optional(),
    email: z.email().optional(),
    lines: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(3)
      .openapi({ description: 'Street lines, 1 to 3.' }),
    city: z.string().min(1).max(60),
    postalCode: z.string().min(1).max(20).optional(),
    stateCode: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/, 'must be the subdivision part of ISO 3166-2, such as GA or NY')
      .optional(),
    countryCode,
    residential: z.boolean().optional(),
  })
  .strict()
  .openapi('Address', {
    example: {
      name: 'Ada Shopper',
      lines: ['1 Main St'],
      city: 'Atlanta',
      stateCode: 'GA',
      postalCode: '30301',
      countryCode: 'US',
    },
  });
export type Address = z.infer<typeof Address>;

const positiveMeasure = z.number().positive().finite().max(100_000);

export const Weight = z
  .object({ value: positiveMeasure, unit: z.enum(WEIGHT_UNITS) })
  .strict()
  .openapi('Weight', { example: { value: 2.5, unit: 'kg' } });
export type Weight = z.infer<typeof Weight>;

export const Dimensions = z
  .object({
    length: positiveMeasure,
    width: positiveMeasure,
    height: positiveMeasure,
    unit: z.enum(LENGTH_UNITS),
  })
  .strict()
  .openapi('Dimensions', { example: { length: 30, width: 20, height: 10, unit: 'cm' } });
export type Dimensions = z.infer<typeof Dimensions>;

export const Parcel = z
  .object({ weight: Weight, dimensions: Dimensions.optional(), reference: z.string().max(35).optional() })
  .strict()
  .openapi('Parcel');
export type Parcel = z.infer<typeof Parcel>;

export const Money = z
  .object({
    amount: z.string().regex(/^-?\d+(\.\d{1,4})?$/, 'must be a decimal string such as 12.50'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
  })
  .strict()
  .openapi('Money', {
    description: 'Money is a decimal string with its currency, never a float.',
    example: { amount: '12.50', currency: 'USD' },
  });
export type Money = z.infer<typeof Money>;

export const CarrierId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}$/, 'must be a carrier id: lower case letters, digits and dashes');

export const ShipmentOptions = z
  .object({
    signature: z.boolean().optional(),
    saturdayDelivery: z.boolean().optional(),
    insuredValue: Money.optional(),
  })
  .strict()
  .openapi('ShipmentOptions');
export type ShipmentOptions = z.infer<typeof ShipmentOptions>;

export const RateRequest = z
  .object({
    shipper: Address,
    recipient: Address,
    parcels: z.array(Parcel).min(1).max(50),
    services: z
      .array(ServiceLevel)
      .min(1)
      .optional()
      .openapi({ description: 'Only return these service levels.' }),
    carriers: z
      .array(CarrierId)
      .min(1)
      .optional()
      .openapi({ description: 'Only ask these carriers (default: all that serve the route).' }),
    shipDate: z.iso.date().optional(),
    options: ShipmentOptions.optional(),
  })
  .strict()
  .openapi('RateRequest');
export type RateRequest = z.infer<typeof RateRequest>;

export const ServiceRef = z
  .object({ code: z.string(), name: z.string(), level: ServiceLevel })
  .strict()
  .openapi('Service', { description: "The carrier's own service code and name, and its unified level." });
export type ServiceRef = z.infer<typeof ServiceRef>;

export const Rate = z
  .object({
    carrier: z.string(),
    account: z.string(),
    service: ServiceRef,
    total: Money,
    breakdown: z.array(z.object({ label: z.string(), amount: Money }).strict()).optional(),
    estimatedDays: z.number().int().nonnegative().optional(),
    source: z
      .enum(['live', 'table'])
      .openapi({ description: 'live: quoted by the carrier API; table: computed from a dated rate table.' }),
    warnings: z.array(z.string()).optional(),
  })
  .strict()
  .openapi('Rate');
export type Rate = z.infer<typeof Rate>;

export const FailureClassSchema = z.enum(FAILURE_CLASSES).openapi('FailureClass');

export const CarrierMessage = z
  .object({
    carrier: z.string(),
    account: z.string().optional(),
    code: z.string(),
    class: FailureClassSchema,
    text: z.string(),
  })
  .strict()
  .openapi('CarrierMessage', { description: 'Why one carrier gave no answer.' });
export type CarrierMessage = z.infer<typeof CarrierMessage>;

export const RoutingAttempt = z
  .object({
    carrier: z.string(),
    account: z.string(),
    outcome: z.enum(['success', 'failed', 'skipped']),
    class: FailureClassSchema.optional(),
    reason: z.string().optional(),
    elapsedMs: z.number().nonnegative(),
  })
  .strict()
  .openapi('RoutingAttempt');
export type RoutingAttempt = z.infer<typeof RoutingAttempt>;

export const RoutingRecord = z
  .object({
    requested: z.string(),
    servedBy: z.string().nullable(),
    failedOver: z.boolean(),
    attempts: z.array(RoutingAttempt),
  })
  .strict()
  .openapi('RoutingRecord', { description: 'Which carrier was asked, which served, and each attempt.' });
export type RoutingRecord = z.infer<typeof RoutingRecord>;

export const RateResponse = z
  .object({ rates: z.array(Rate), messages: z.array(CarrierMessage), routing: z.array(RoutingRecord) })
  .strict()
  .openapi('RateResponse');
export type RateResponse = z.infer<typeof RateResponse>;

export const FailoverPolicy = z
  .union([z.enum(['auto', 'never']), z.array(CarrierId).min(1)])
  .openapi('FailoverPolicy', {
    description: 'auto (default): the configured fallback chain; never; or an explicit ordered list.',
  });
export type FailoverPolicy = z.infer<typeof FailoverPolicy>;

export const LabelRequest = z
  .object({
    carrier: CarrierId,
    account: z.string().min(1).max(64).optional(),
    service: z.string().min(1).max(40).optional().openapi({ description: "The carrier's service code." }),
    serviceLevel: ServiceLevel.optional(),
    shipper: Address,
    recipient: Address,
    parcels: z.array(Parcel).min(1).max(50),
    format: LabelFormat.default('PDF'),
    failover: FailoverPolicy.default('auto'),
    reference: z
      .string()
      .min(1)
      .max(35)
      .optional()
      .openapi({ description: 'Customer reference printed on the label.' }),
    shipDate: z.iso.date().optional(),
    options: ShipmentOptions.optional(),
  })
  .strict()
  .refine((r) => r.service !== undefined || r.serviceLevel !== undefined, {
    message: 'give service or serviceLevel',
    path: ['serviceLevel'],
  })
  .openapi('LabelRequest');
export type LabelRequest = z.infer<typeof LabelRequest>;

export const Label = z
  .object({
    carrier: z.string(),
    account: z.string(),
    service: ServiceRef,
    trackingNumber: z.string(),
    format: LabelFormat.openapi({
      description: 'The format of the document as the carrier returned it (or as converted).',
    }),
    mediaType: z.string().optional(),
    data: z
      .string()
      .optional()
      .openapi({ description: 'The label document, base64; absent when `missingDocument` says why.' }),
    conversion: z
      .object({
        from: LabelFormat,
        to: LabelFormat,
        converted: z.boolean(),
        pageSizeInches: z.object({ width: z.number(), height: z.number() }).strict().optional(),
      })
      .strict()
      .optional()
      .openapi({
        description:
          "Set when the carrier prints only images and PDF was asked: the gateway placed the image on a page of the label size. converted false: the conversion failed and the carrier's own image is answered (the label was bought).",
      }),
    missingDocument: z
      .object({
        reason: z.enum(['missing', 'unreadable', 'not_fetched']),
        detail: z.string(),
        url: z.string().optional(),
      })
      .strict()
      .optional()
      .openapi({
        description:
          'The carrier created the shipment (the tracking number is real and it is paid) but its document is missing: ' +
          'reprint it with the carrier, or fetch it from `url` when given. Never buy the label again.',
      }),
    price: Money.optional(),
    reference: z.string().optional(),
    warnings: z.array(z.string()).optional(),
    routing: RoutingRecord,
  })
  .strict()
  .openapi('Label');
export type Label = z.infer<typeof Label>;

export const TRACKING_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'unknown',
] as const;
export const TrackingStatus = z.enum(TRACKING_STATUSES).openapi('TrackingStatus');
export type TrackingStatus = z.infer<typeof TrackingStatus>;

export const TrackingEvent = z
  .object({
    at: z.string().openapi({ description: 'ISO 8601 date-time.' }),
    status: TrackingStatus,
    description: z.string(),
    code: z.string().optional(),
    location: z
      .object({
        city: z.string().optional(),
        postalCode: z.string().optional(),
        countryCode: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('TrackingEvent');
export type TrackingEvent = z.infer<typeof TrackingEvent>;

export const Tracking = z
  .object({
    carrier: z.string(),
    trackingNumber: z.string(),
    status: TrackingStatus,
    events: z.array(TrackingEvent),
  })
  .strict()
  .openapi('Tracking');
export type Tracking = z.infer<typeof Tracking>;
