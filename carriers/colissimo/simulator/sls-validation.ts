/**
 * Validates a generateLabel / checkGenerateLabel body the way the live service answers.
 * Recorded codes (akretion/roulier@8489f51 (branch colissimo_fr) cassettes): 30300 weight missing or 0, 30301 weight
 * wrong (35 kg), 30015 product code wrong, 30213 recipient country/postcode wrong for the
 * product (Paris "99999" with DOM), 30109 sender country/postcode not allowed.
 * SIMULATOR-ASSIGNED codes (not in any recording; same shape): 30100 deposit date, 30120
 * sender field missing, 30220 addressee field missing, 30400 printing type.
 */
import { z } from '@hono/zod-openapi';
import { SERVICES } from '../services.ts';
import { ORIGINS, zoneOf } from '../zones.ts';

export const PRINTING_TYPES: ReadonlySet<string> = new Set([
  'PDF_10x15_300dpi',
  'PDF_A4_300dpi',
  'PDF_10x12_300dpi',
  'PDF_10x10_300dpi',
  'ZPL_10x15_203dpi',
  'ZPL_10x15_300dpi',
  'ZPL_10x10_203dpi',
  'ZPL_10x10_300dpi',
  'DPL_10x15_203dpi',
  'DPL_10x15_300dpi',
]);

const PRODUCTS: ReadonlySet<string> = new Set(SERVICES.map((s) => s.code));
const DOMESTIC_ONLY: ReadonlySet<string> = new Set(['COLD', 'COL', 'J+1', 'COLR', 'CORE']);
const OUTRE_MER: ReadonlySet<string> = new Set(['COM', 'CDS', 'ECO']);
/** Metropolitan and overseas French postcodes; "99999" (recorded 30213) is none of them. */
const FRENCH_POSTCODE = /^(0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}$/;

const Address = z.looseObject({
  lastName: z.string().nullish(),
  companyName: z.string().nullish(),
  line2: z.string().nullish(),
  city: z.string().nullish(),
  zipCode: z.string().nullish(),
  countryCode: z.string().nullish(),
});

export const SlsLabelBody = z.looseObject({
  contractNumber: z.string().nullish(),
  password: z.string().nullish(),
  outputFormat: z.looseObject({ outputPrintingType: z.string().nullish() }).nullish(),
  letter: z
    .looseObject({
      service: z
        .looseObject({
          productCode: z.string().nullish(),
          depositDate: z.string().nullish(),
          orderNumber: z.string().nullish(),
        })
        .nullish(),
      parcel: z.looseObject({ weight: z.unknown() }).nullish(),
      sender: z.looseObject({ address: Address.nullish(), senderParcelRef: z.string().nullish() }).nullish(),
      addressee: z.looseObject({ address: Address.nullish() }).nullish(),
    })
    .nullish(),
});
export type SlsLabelBody = z.infer<typeof SlsLabelBody>;

export interface ValidLabel {
  productCode: string;
  printingType: string;
  weightKg: number;
  recipient: { name: string; line2: string; city: string; zipCode: string; countryCode: string };
  reference?: string;
}

export type Validation = { ok: true; label: ValidLabel } | { ok: false; id: string; message: string };

const fail = (id: string, message: string): Validation => ({ ok: false, id, message });
const blank = (v: string | null | undefined): boolean => v === undefined || v === null || v.trim() === '';

export function validateLabelBody(body: SlsLabelBody): Validation {
  const printingType = body.outputFormat?.outputPrintingType;
  if (blank(printingType) || !PRINTING_TYPES.has(printingType as string))
    return fail('30400', "Le format d'impression de l'étiquette est incorrect");
  const service = body.letter?.service;
  const productCode = service?.productCode ?? '';
  if (!PRODUCTS.has(productCode)) return fail('30015', 'Le code produit est incorrect');
  if (blank(service?.depositDate) || !/^\d{4}-\d{2}-\d{2}$/.test(service?.depositDate ?? ''))
    return fail('30100', 'La date de dépôt est incorrecte');

  const weight = body.letter?.parcel?.weight;
  if (weight === undefined || weight === null || weight === 0 || weight === '0')
    return fail('30300', "Le poids du colis n'a pas été transmis");
  const kg = typeof weight === 'number' ? weight : Number.NaN;
  if (!Number.isFinite(kg) || kg <= 0 || kg > 30) return fail('30301', 'Le poids du colis est incorrect');

  const sender = body.letter?.sender?.address;
  for (const field of ['line2', 'city', 'zipCode', 'countryCode'] as const)
    if (blank(sender?.[field])) return fail('30120', `Le champ ${field} de l'expéditeur est obligatoire`);
  if (blank(sender?.lastName) && blank(sender?.companyName))
    return fail('30120', "Le nom ou la raison sociale de l'expéditeur est obligatoire");
  const senderCountry = sender?.countryCode as string;
  if (
    productCode !== 'CORI' &&
    (!ORIGINS.has(senderCountry) ||
      (senderCountry === 'FR' && !FRENCH_POSTCODE.test(sender?.zipCode as string)))
  )
    return fail('30109', 'Le pays ou code postal expéditeur ne permet pas d’effectuer un envoi');

  const to = body.letter?.addressee?.address;
  for (const field of ['line2', 'city', 'countryCode'] as const)
    if (blank(to?.[field])) return fail('30220', `Le champ ${field} du destinataire est obligatoire`);
  if (blank(to?.lastName) && blank(to?.companyName))
    return fail('30220', 'Le nom du destinataire est obligatoire');
  const country = to?.countryCode as string;
  const zone = zoneOf(country);
  const wrongRoute =
    (DOMESTIC_ONLY.has(productCode) && zone !== 'france') ||
    (OUTRE_MER.has(productCode) && zone !== 'om1' && zone !== 'om2') ||
    (!OUTRE_MER.has(productCode) && (zone === 'om1' || zone === 'om2')) ||
    (country === 'FR' && !FRENCH_POSTCODE.test(to?.zipCode ?? ''));
  if (wrongRoute)
    return fail(
      '30213',
      'Le code pays ou le code postal du destinataire est incorrect pour le code produit fourni',
    );

  const reference = service?.orderNumber ?? body.letter?.sender?.senderParcelRef ?? undefined;
  return {
    ok: true,
    label: {
      productCode,
      printingType: printingType as string,
      weightKg: kg,
      recipient: {
        name: (to?.lastName || to?.companyName) as string,
        line2: to?.line2 as string,
        city: to?.city as string,
        zipCode: to?.zipCode ?? '',
        countryCode: country,
      },
      ...(reference ? { reference } : {}),
    },
  };
}
