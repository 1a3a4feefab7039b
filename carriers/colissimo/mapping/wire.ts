/**
 * Zod schemas of the wire shapes this carrier answers with (Suivi v2 OpenAPI, api-evangelist/la-poste-groupe:openapi/_original/la-poste-groupe-suivi-openapi.json; SLS: akretion/roulier@8489f51 (branch colissimo_fr) cassettes). Loose on
 * purpose: only the fields the mapping reads are required, and unknown keys pass.
 */
import { z } from '@hono/zod-openapi';
import { identity, list, openEnum, optionalList, text, wholeNumber } from '../../../src/carrier/wire.ts';

/** Colissimo SLS message: `id` is a string ("0" for success, "30301"...). */
export const SlsMessage = z.looseObject({
  id: text,
  type: openEnum('Colissimo message type', ['INFOS', 'WARNING', 'ERROR']),
  messageContent: text.optional().default(''),
});
export type SlsMessage = z.infer<typeof SlsMessage>;

export const SlsAnswer = z.looseObject({
  messages: optionalList(SlsMessage),
  labelV2Response: z.looseObject({ parcelNumber: identity, parcelNumberPartner: text.optional() }).optional(),
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

export const SuiviEvent = z.looseObject({ code: text, label: text, date: text });

export const SuiviShipment = z.looseObject({
  idShip: identity,
  holder: wholeNumber.optional(),
  product: text.optional(),
  isFinal: z.boolean().optional(),
  event: optionalList(SuiviEvent),
  contextData: z.looseObject({ originCountry: text.optional(), arrivalCountry: text.optional() }).optional(),
});

export const SuiviEntry = z.looseObject({
  returnCode: wholeNumber.optional(),
  returnMessage: text.optional(),
  idShip: text.optional(),
  shipment: SuiviShipment.optional(),
});
export type SuiviEntry = z.infer<typeof SuiviEntry>;

/** One entry per id: an array (207), or one object (200). */
export const SuiviAnswer = list(SuiviEntry, { min: 1 });
