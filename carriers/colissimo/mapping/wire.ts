/**
 * Zod schemas of the wire shapes this carrier answers with (Suivi v2 OpenAPI, api-evangelist/la-poste-groupe:openapi/_original/la-poste-groupe-suivi-openapi.json; SLS: akretion/roulier@8489f51 (branch colissimo_fr) cassettes). Loose on
 * purpose: only the fields the mapping reads are required, and unknown keys pass.
 */
import { z } from '@hono/zod-openapi';

/** Colissimo SLS message: `id` is a string ("0" for success, "30301"...). */
export const SlsMessage = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  messageContent: z.string().optional().default(''),
});
export type SlsMessage = z.infer<typeof SlsMessage>;

export const SlsAnswer = z.looseObject({
  messages: z.array(SlsMessage),
  labelV2Response: z
    .looseObject({ parcelNumber: z.string().min(1), parcelNumberPartner: z.string().nullish() })
    .nullish(),
});
export type SlsAnswer = z.infer<typeof SlsAnswer>;

/** Okapi / Suivi v2 error body, and per-id entries of a 207. */
export const SuiviError = z.looseObject({
  returnCode: z.number(),
  returnMessage: z.string().optional(),
  idShip: z.string().optional(),
});

/** Okapi gateway quota body. */
export const OkapiQuota = z.looseObject({
  code: z.literal('TOO_MANY_REQUESTS'),
  message: z.string().optional(),
});

export const SuiviEvent = z.looseObject({ code: z.string(), label: z.string(), date: z.string() });

export const SuiviShipment = z.looseObject({
  idShip: z.string(),
  holder: z.number().optional(),
  product: z.string().optional(),
  isFinal: z.boolean().optional(),
  event: z.array(SuiviEvent).optional().default([]),
  contextData: z
    .looseObject({ originCountry: z.string().optional(), arrivalCountry: z.string().optional() })
    .optional(),
});

export const SuiviEntry = z.looseObject({
  returnCode: z.number(),
  returnMessage: z.string().optional(),
  idShip: z.string().optional(),
  shipment: SuiviShipment.optional(),
});
export type SuiviEntry = z.infer<typeof SuiviEntry>;

export const SuiviAnswer = z.union([z.array(SuiviEntry), SuiviEntry.transform((e) => [e])]);
