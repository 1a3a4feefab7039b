/**
 * Zod schemas of the USPS v3 answers the mapping reads (usps_prices.yaml, usps_labels.yaml,
 * the tracking and payments specs). Loose objects: USPS adds fields freely, and the docs show
 * numbers as strings while live answers use numbers, so amounts accept both.
 */
import { z } from '@hono/zod-openapi';

/** A USPS amount: a JSON number on the live API, sometimes a string in the docs. */
export const WireAmount = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/)]);
export type WireAmount = z.infer<typeof WireAmount>;

const Warning = z.looseObject({
  warningCode: z.string().optional(),
  warningDescription: z.string().optional(),
});

const Fee = z.looseObject({
  name: z.string().optional(),
  SKU: z.string().optional(),
  price: WireAmount,
});

const RateDetails = z.looseObject({
  SKU: z.string().optional(),
  description: z.string().optional(),
  priceType: z.string().optional(),
  price: WireAmount.optional(),
  fees: z.array(Fee).optional(),
  warnings: z.array(Warning).optional(),
  mailClass: z.string().optional(),
  zone: z.string().optional(),
});

/** BaseRateOption: the answer of /base-rates/search (domestic and international). */
export const BaseRateOption = z.looseObject({
  totalBasePrice: WireAmount,
  rates: z.array(RateDetails).optional(),
});
export type BaseRateOption = z.infer<typeof BaseRateOption>;

const ExtraServiceResponse = z.looseObject({
  name: z.string().optional(),
  SKU: z.string().optional(),
  price: WireAmount.optional(),
  warnings: z.array(Warning).optional(),
});

/** LabelMetadata: the JSON part of a label answer (or the top of the vendor JSON answer). */
export const LabelMetadata = z.looseObject({
  trackingNumber: z.string().min(1),
  routingInformation: z.string().optional(),
  postage: WireAmount.optional(),
  extraServices: z.array(ExtraServiceResponse).optional(),
  fees: z.array(Fee).optional(),
  zone: z.string().optional(),
  SKU: z.string().optional(),
});
export type LabelMetadata = z.infer<typeof LabelMetadata>;

/** LabelVendorResponse: `Accept: application/vnd.usps.labels+json`, images inline in base64. */
export const LabelVendorResponse = LabelMetadata.extend({
  labelImage: z.string().optional(),
  receiptImage: z.string().optional(),
});

const TrackingEvent = z.looseObject({
  eventType: z.string().optional(),
  eventTimestamp: z.string().optional(),
  GMTTimestamp: z.string().optional(),
  GMTOffset: z.string().optional(),
  eventCountry: z.string().nullable().optional(),
  eventCity: z.string().nullable().optional(),
  eventState: z.string().nullable().optional(),
  eventZIP: z.string().nullable().optional(),
  eventCode: z.string().optional(),
});
export type WireTrackingEvent = z.infer<typeof TrackingEvent>;

/** TrackingDetails: GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL. */
export const TrackingDetails = z.looseObject({
  trackingNumber: z.string().min(1),
  status: z.string().optional(),
  statusCategory: z.string().optional(),
  statusSummary: z.string().optional(),
  trackingEvents: z.array(TrackingEvent).optional(),
});
export type TrackingDetails = z.infer<typeof TrackingDetails>;

/** ErrorMessage: `{"apiVersion","error":{"code","message","errors":[{status,code,title,detail,source}]}}`. */
export const ErrorMessage = z.looseObject({
  apiVersion: z.string().optional(),
  error: z.looseObject({
    code: z.union([z.string(), z.number()]).optional(),
    message: z.string().optional(),
    errors: z
      .array(
        z.looseObject({
          status: z.union([z.string(), z.number()]).optional(),
          code: z.union([z.string(), z.number()]).optional(),
          title: z.string().optional(),
          detail: z.string().optional(),
          source: z.looseObject({ parameter: z.string().optional() }).optional(),
        }),
      )
      .optional(),
  }),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

/** The OAuth token endpoint's RFC 6749 error shape. */
export const OAuthError = z.looseObject({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/** Payments: POST /payments/v3/payment-authorization answer. */
export const PaymentAuthorization = z.looseObject({
  paymentAuthorizationToken: z.string().min(1),
});
