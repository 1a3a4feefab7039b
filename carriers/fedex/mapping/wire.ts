/**
 * Zod schemas of the FedEx answers the mapping reads (Rate, Ship, Track and the error body),
 * read by the carrier kit's tolerant rule (src/carrier/body.ts). Loose on purpose: FedEx adds
 * fields freely, so only what we read is checked; amounts and identities are strict.
 */
import { z } from '@hono/zod-openapi';
import { amount, currency, identity, list, openEnum, optionalList, text } from '../../../src/carrier/wire.ts';

/** FedEx rate types (Rate API `RatedShipmentDetail.rateType`). */
const RATE_TYPES = [
  'ACCOUNT',
  'LIST',
  'PREFERRED_ACCOUNT_SHIPMENT',
  'PREFERRED_LIST_SHIPMENT',
  'PREFERRED_CURRENCY',
  'INCENTIVE',
  'RETAIL',
] as const;

export const FedexAlert = z.object({
  code: text.optional(),
  message: text.optional(),
  alertType: text.optional(),
});
export type FedexAlert = z.infer<typeof FedexAlert>;

export const FedexErrorItem = z.object({
  code: z.string(),
  message: z.string().optional(),
  parameterList: z.array(z.object({ key: z.string().optional(), value: z.string().optional() })).optional(),
});

/** `{"transactionId","customerTransactionId"?,"errors":[{"code","message","parameterList"?}]}` */
export const FedexErrorBody = z.object({
  transactionId: z.string().optional(),
  customerTransactionId: z.string().optional(),
  errors: z.array(FedexErrorItem).min(1),
});
export type FedexErrorBody = z.infer<typeof FedexErrorBody>;

const RatedShipmentDetail = z.object({
  rateType: openEnum('FedEx rate type', RATE_TYPES).optional(),
  totalBaseCharge: amount.optional(),
  totalNetCharge: amount.optional(),
  totalNetFedExCharge: amount.optional(),
  currency: currency.optional(),
  shipmentRateDetail: z
    .object({
      currency: currency.optional(),
      totalSurcharges: amount.optional(),
      surCharges: optionalList(
        z.object({ type: text.optional(), description: text.optional(), amount: amount }),
      ),
    })
    .optional(),
});
export type RatedShipmentDetail = z.infer<typeof RatedShipmentDetail>;

export const RateReplyDetail = z.object({
  serviceType: text,
  serviceName: text.optional(),
  ratedShipmentDetails: optionalList(RatedShipmentDetail),
  customerMessages: optionalList(z.object({ code: text.optional(), message: text.optional() })),
  operationalDetail: z.object({ transitTime: text.optional() }).partial().optional(),
  commit: z
    .object({ transitDays: z.object({ minimumTransitTime: text.optional() }).partial().optional() })
    .partial()
    .optional(),
});
export type RateReplyDetail = z.infer<typeof RateReplyDetail>;

export const RateResponseBody = z.object({
  output: z.object({
    rateReplyDetails: optionalList(RateReplyDetail),
    alerts: optionalList(FedexAlert),
  }),
});
export type RateResponseBody = z.infer<typeof RateResponseBody>;

const PackageDocument = z.object({
  contentType: text.optional(),
  docType: text.optional(),
  encodedLabel: z.string().optional(),
  url: z.string().optional(),
  trackingNumber: identity.optional(),
});

const PieceResponse = z.object({
  trackingNumber: identity.optional(),
  masterTrackingNumber: identity.optional(),
  netChargeAmount: amount.optional(),
  packageDocuments: optionalList(PackageDocument),
});

const ShipmentRateDetail = z.object({
  rateType: text.optional(),
  totalNetCharge: amount.optional(),
  currency: currency.optional(),
});

export const TransactionShipment = z.object({
  serviceType: text.optional(),
  masterTrackingNumber: identity.optional(),
  pieceResponses: optionalList(PieceResponse),
  alerts: optionalList(FedexAlert),
  completedShipmentDetail: z
    .object({
      shipmentRating: z
        .object({
          actualRateType: text.optional(),
          shipmentRateDetails: optionalList(ShipmentRateDetail),
        })
        .optional(),
    })
    .optional(),
});

export const ShipResponseBody = z.object({
  output: z.object({
    transactionShipments: list(TransactionShipment, { min: 1 }),
    alerts: optionalList(FedexAlert),
  }),
});
export type ShipResponseBody = z.infer<typeof ShipResponseBody>;

const ScanLocation = z
  .object({
    city: z.string().optional(),
    stateOrProvinceCode: z.string().optional(),
    postalCode: z.string().optional(),
    countryCode: z.string().optional(),
  })
  .partial();

export const ScanEvent = z.object({
  date: z.string(),
  eventType: z.string().optional(),
  eventDescription: z.string().optional(),
  derivedStatusCode: z.string().optional(),
  derivedStatus: z.string().optional(),
  exceptionCode: z.string().optional(),
  exceptionDescription: z.string().optional(),
  scanLocation: ScanLocation.optional(),
});
export type ScanEvent = z.infer<typeof ScanEvent>;

export const TrackResult = z.object({
  trackingNumberInfo: z.object({ trackingNumber: identity.optional() }).partial().optional(),
  latestStatusDetail: z
    .object({
      code: z.string().optional(),
      derivedCode: z.string().optional(),
      statusByLocale: z.string().optional(),
      description: z.string().optional(),
    })
    .partial()
    .optional(),
  scanEvents: optionalList(ScanEvent),
  error: z.object({ code: text, message: text.optional() }).optional(),
});
export type TrackResult = z.infer<typeof TrackResult>;

export const TrackResponseBody = z.object({
  output: z.object({
    completeTrackResults: list(
      z.object({ trackingNumber: identity.optional(), trackResults: optionalList(TrackResult) }),
      { min: 1 },
    ),
  }),
});
export type TrackResponseBody = z.infer<typeof TrackResponseBody>;
