/**
 * Zod schemas of the FedEx answers the mapping reads (Rate, Ship, Track and the error body).
 * Loose on purpose: FedEx adds fields freely, so only what we read is checked.
 */
import { z } from '@hono/zod-openapi';

/** FedEx sends amounts as JSON numbers; a string is tolerated rather than dropped. */
const amount = z.union([z.number(), z.string()]);

export const FedexAlert = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  alertType: z.string().optional(),
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
  rateType: z.string().optional(),
  totalBaseCharge: amount.optional(),
  totalNetCharge: amount.optional(),
  totalNetFedExCharge: amount.optional(),
  currency: z.string().optional(),
  shipmentRateDetail: z
    .object({
      currency: z.string().optional(),
      totalSurcharges: amount.optional(),
      surCharges: z
        .array(z.object({ type: z.string().optional(), description: z.string().optional(), amount: amount }))
        .optional(),
    })
    .optional(),
});
export type RatedShipmentDetail = z.infer<typeof RatedShipmentDetail>;

export const RateReplyDetail = z.object({
  serviceType: z.string(),
  serviceName: z.string().optional(),
  ratedShipmentDetails: z.array(RatedShipmentDetail).default([]),
  customerMessages: z
    .array(z.object({ code: z.string().optional(), message: z.string().optional() }))
    .optional(),
  operationalDetail: z.object({ transitTime: z.string().optional() }).partial().optional(),
  commit: z
    .object({ transitDays: z.object({ minimumTransitTime: z.string().optional() }).partial().optional() })
    .partial()
    .optional(),
});
export type RateReplyDetail = z.infer<typeof RateReplyDetail>;

export const RateResponseBody = z.object({
  transactionId: z.string().optional(),
  customerTransactionId: z.string().optional(),
  output: z.object({
    rateReplyDetails: z.array(RateReplyDetail).default([]),
    alerts: z.array(FedexAlert).optional(),
  }),
});
export type RateResponseBody = z.infer<typeof RateResponseBody>;

const PackageDocument = z.object({
  contentType: z.string().optional(),
  docType: z.string().optional(),
  encodedLabel: z.string().optional(),
  url: z.string().optional(),
  trackingNumber: z.string().optional(),
});

const PieceResponse = z.object({
  trackingNumber: z.string().optional(),
  masterTrackingNumber: z.string().optional(),
  netChargeAmount: amount.optional(),
  packageDocuments: z.array(PackageDocument).default([]),
});

const ShipmentRateDetail = z.object({
  rateType: z.string().optional(),
  totalNetCharge: amount.optional(),
  currency: z.string().optional(),
});

export const TransactionShipment = z.object({
  serviceType: z.string().optional(),
  masterTrackingNumber: z.string().optional(),
  pieceResponses: z.array(PieceResponse).default([]),
  alerts: z.array(FedexAlert).optional(),
  completedShipmentDetail: z
    .object({
      shipmentRating: z
        .object({
          actualRateType: z.string().optional(),
          shipmentRateDetails: z.array(ShipmentRateDetail).optional(),
        })
        .optional(),
    })
    .optional(),
});

export const ShipResponseBody = z.object({
  transactionId: z.string().optional(),
  customerTransactionId: z.string().optional(),
  output: z.object({
    transactionShipments: z.array(TransactionShipment).min(1),
    alerts: z.array(FedexAlert).optional(),
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
  trackingNumberInfo: z.object({ trackingNumber: z.string().optional() }).partial().optional(),
  latestStatusDetail: z
    .object({
      code: z.string().optional(),
      derivedCode: z.string().optional(),
      statusByLocale: z.string().optional(),
      description: z.string().optional(),
    })
    .partial()
    .optional(),
  scanEvents: z.array(ScanEvent).default([]),
  error: z.object({ code: z.string(), message: z.string().optional() }).optional(),
});
export type TrackResult = z.infer<typeof TrackResult>;

export const TrackResponseBody = z.object({
  transactionId: z.string().optional(),
  output: z.object({
    completeTrackResults: z
      .array(
        z.object({ trackingNumber: z.string().optional(), trackResults: z.array(TrackResult).default([]) }),
      )
      .min(1),
  }),
});
export type TrackResponseBody = z.infer<typeof TrackResponseBody>;
