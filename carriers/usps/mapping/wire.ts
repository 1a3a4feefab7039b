/**
 * Zod schemas of the USPS v3 answers the mapping reads (usps_prices.yaml, usps_labels.yaml,
 * the Shipping Options, International Labels, tracking and payments specs), read by the
 * carrier kit's tolerant rule (src/carrier/body.ts). The docs show numbers as strings while
 * live answers use numbers, so amounts accept both; amounts and identities are strict.
 */
import { z } from '@hono/zod-openapi';
import { amount, identity, optionalList, text } from '../../../src/carrier/wire.ts';

/** A USPS amount: a JSON number on the live API, sometimes a string in the docs. */
export const WireAmount = amount;
export type WireAmount = z.infer<typeof WireAmount>;

const Warning = z.looseObject({
  warningCode: text.optional(),
  warningDescription: text.optional(),
});

const Fee = z.looseObject({
  name: text.optional(),
  SKU: text.optional(),
  price: WireAmount,
});

/** RateDetails of every prices answer: the mail class of each price is what we verify. */
const RateDetails = z.looseObject({
  SKU: text.optional(),
  description: text.optional(),
  priceType: text.optional(),
  price: WireAmount.optional(),
  fees: optionalList(Fee),
  warnings: optionalList(Warning),
  mailClass: text.optional(),
  zone: text.optional(),
  processingCategory: text.optional(),
  rateIndicator: text.optional(),
  destinationEntryFacilityType: text.optional(),
});
export type RateDetails = z.infer<typeof RateDetails>;

/** BaseRateOption: the answer of /base-rates/search (domestic and international). */
export const BaseRateOption = z.looseObject({
  totalBasePrice: WireAmount,
  rates: optionalList(RateDetails),
});
export type BaseRateOption = z.infer<typeof BaseRateOption>;

const ExtraServiceResponse = z.looseObject({
  name: text.optional(),
  serviceName: text.optional(),
  extraService: text.optional(),
  serviceID: text.optional(),
  SKU: text.optional(),
  price: WireAmount.optional(),
  warnings: optionalList(Warning),
});
export type ExtraServiceResponse = z.infer<typeof ExtraServiceResponse>;

/** One priced option of total rates and shipping options: base, extra services and their total. */
export const RateOption = z.looseObject({
  totalBasePrice: WireAmount,
  totalPrice: WireAmount.optional(),
  rates: optionalList(RateDetails),
  extraServices: optionalList(ExtraServiceResponse),
  commitment: z.looseObject({ name: text.optional(), expectedDeliveryDate: text.optional() }).optional(),
});
export type RateOption = z.infer<typeof RateOption>;

/** TotalRatesQueryResult: POST /prices/v3/total-rates/search. */
export const TotalRatesResult = z.looseObject({ rateOptions: optionalList(RateOption) });

/** OptionsResponse: POST /shipments/v3/options/search (domestic and international alike). */
export const ShippingOptionsResult = z.looseObject({
  pricingOptions: optionalList(
    z.looseObject({
      priceType: text.optional(),
      shippingOptions: optionalList(
        z.looseObject({ mailClass: text.optional(), rateOptions: optionalList(RateOption) }),
      ),
    }),
  ),
});

/** LabelMetadata: the JSON part of a label answer (or the top of the vendor JSON answer). */
export const LabelMetadata = z.looseObject({
  trackingNumber: identity.optional(),
  /** International labels (international-labels.yaml InternationalLabelMetadata). */
  internationalTrackingNumber: identity.optional(),
  routingInformation: text.optional(),
  postage: WireAmount.optional(),
  extraServices: optionalList(ExtraServiceResponse),
  fees: optionalList(Fee),
  zone: text.optional(),
  SKU: text.optional(),
});
export type LabelMetadata = z.infer<typeof LabelMetadata>;

/** LabelVendorResponse: `Accept: application/vnd.usps.labels+json`, images inline in base64. */
export const LabelVendorResponse = LabelMetadata.extend({
  labelImage: z.string().optional(),
  receiptImage: z.string().optional(),
});

const TrackingEvent = z.looseObject({
  eventType: text.optional(),
  eventTimestamp: text.optional(),
  GMTTimestamp: text.optional(),
  GMTOffset: text.optional(),
  eventCountry: text.optional(),
  eventCity: text.optional(),
  eventState: text.optional(),
  eventZIP: text.optional(),
  eventCode: text.optional(),
});
export type WireTrackingEvent = z.infer<typeof TrackingEvent>;

/** TrackingDetails: GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL. */
export const TrackingDetails = z.looseObject({
  trackingNumber: identity,
  status: text.optional(),
  statusCategory: text.optional(),
  statusSummary: text.optional(),
  trackingEvents: optionalList(TrackingEvent),
});
export type TrackingDetails = z.infer<typeof TrackingDetails>;

/** ErrorMessage: `{"apiVersion","error":{"code","message","errors":[{status,code,title,detail,source}]}}`. */
export const ErrorMessage = z.looseObject({
  apiVersion: text.optional(),
  error: z.looseObject({
    code: text.optional(),
    message: text.optional(),
    errors: optionalList(
      z.looseObject({
        status: text.optional(),
        code: text.optional(),
        title: text.optional(),
        detail: text.optional(),
        // A parameter object per the spec; some answers (a 401) carry a plain string.
        source: z.union([text, z.looseObject({ parameter: text.optional() })]).optional(),
      }),
    ),
  }),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

/** The OAuth token endpoint's RFC 6749 error shape. */
export const OAuthError = z.looseObject({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/**
 * The fault the API gateway in front of USPS answers before a request reaches the API
 * (access control, OpenAPI validation, token checks), as recorded in USPS/api-examples#22 and
 * #18: `{"fault":{"faultstring":"...","detail":{"errorcode":"steps.raisefault.RaiseFault"}}}`.
 */
export const GatewayFault = z.looseObject({
  fault: z.looseObject({
    faultstring: z.string().min(1),
    detail: z.looseObject({ errorcode: z.string().optional() }).optional().catch(undefined),
  }),
});

/** Payments: POST /payments/v3/payment-authorization answer. */
export const PaymentAuthorization = z.looseObject({
  paymentAuthorizationToken: z.string().min(1),
});
