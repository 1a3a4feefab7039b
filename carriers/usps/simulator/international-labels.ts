/**
 * POST /international-labels/v3/international-label (International Labels v3, the official
 * spec as vendored at karrioapi/karrio@deea10f85:modules/connectors/usps_international/vendor/
 * international-labels.yaml): bearer and payment token, the InternationalLabelRequest validated
 * (customs form required, PDF/TIFF/ZPL images only), a label with a 13-character
 * `internationalTrackingNumber` answered like a domestic one (multipart or vendor JSON).
 */
import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { apiGuard, type SimAccount, type SimContext } from '../../../sandbox/kit/index.ts';
import { errorResponse, uspsRenderer } from './errors.ts';
import { bothTokens, mailingDateError, multipart, type Sold, VENDOR_JSON, vendorJson } from './labels.ts';
import { INTERNATIONAL } from './options.ts';
import { dollars, internationalZone, maxPounds, price } from './pricing.ts';
import { validateBody } from './validate.ts';

const API = '/international-labels/v3';

const Addressee = {
  firstName: z.string().max(50).optional(),
  lastName: z.string().max(50).optional(),
  firm: z.string().max(50).optional(),
};
const named = (a: {
  firm?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}) => Boolean(a.firm) || (Boolean(a.firstName) && Boolean(a.lastName));

const ToAddress = z
  .looseObject({
    ...Addressee,
    streetAddress: z.string().min(1).max(50),
    city: z.string().min(1).max(28),
    postalCode: z.string().max(11).optional(),
    country: z.string().min(1),
    countryISOAlpha2Code: z.string().regex(/^[A-Za-z]{2}$/),
  })
  .refine(named, {
    message: 'The First and Last Name or Firm Name are always required',
    path: ['firstName'],
  });
const FromAddress = z
  .looseObject({
    ...Addressee,
    streetAddress: z.string().min(1),
    city: z.string().min(1).max(28),
    state: z.string().regex(/^[A-Z]{2}$/),
    ZIPCode: z.string().regex(/^\d{5}$/),
  })
  .refine(named, {
    message: 'The First and Last Name or Firm Name are always required',
    path: ['firstName'],
  });

const Contents = z.looseObject({
  itemDescription: z.string().min(1).max(30),
  itemQuantity: z.number().int().min(1).max(9999),
  countryofOrigin: z.string().regex(/^[A-Z]{2}$/),
  itemTotalValue: z.number().min(0.01).optional(),
  itemTotalWeight: z.number().positive().optional(),
});

const InternationalLabelRequest = z.strictObject({
  imageInfo: z
    .looseObject({
      imageType: z.enum(['LABEL_BROKER', 'PDF', 'TIFF', 'ZPL203DPI', 'ZPL300DPI', 'NONE']).default('PDF'),
      labelType: z.literal('4X6LABEL').optional(),
    })
    .optional(),
  toAddress: ToAddress,
  fromAddress: FromAddress,
  senderAddress: z.looseObject({}).optional(),
  packageDescription: z.looseObject({
    mailClass: z.enum(INTERNATIONAL as [string, ...string[]]),
    rateIndicator: z.enum(['E4', 'E6', 'FA', 'FB', 'FE', 'FP', 'FS', 'PA', 'PL', 'SP']).optional(),
    weight: z.number().positive(),
    length: z.number().positive(),
    width: z.number().positive(),
    height: z.number().positive(),
    processingCategory: z.enum(['LETTERS', 'FLATS', 'MACHINABLE', 'NON_MACHINABLE', 'NONSTANDARD']),
    destinationEntryFacilityType: z.enum(['NONE', 'INTERNATIONAL_SERVICE_CENTER']),
    mailingDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    extraServices: z.array(z.number().int()).max(3).optional(),
  }),
  customsForm: z.looseObject({
    AESITN: z.string().min(1).max(35),
    customsContentType: z.string().min(1),
    contents: z.array(Contents).min(1).max(30),
  }),
});
type Request = z.infer<typeof InternationalLabelRequest>;

const RENDERED: Record<string, { format: string; ext: string }> = {
  PDF: { format: 'PDF', ext: 'pdf' },
  ZPL203DPI: { format: 'ZPL', ext: 'zpl' },
  ZPL300DPI: { format: 'ZPL', ext: 'zpl' },
};

/** S10 item numbers (UPU): 2 letters, 8 digits, a check digit, the country (13 characters). */
function s10(prefix: string, serial: number): string {
  const digits = String(serial % 100_000_000).padStart(8, '0');
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...digits].reduce((n, d, i) => n + Number(d) * (weights[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  return `${prefix}${digits}${check === 10 ? 0 : check === 11 ? 5 : check}US`;
}

const PREFIX: Record<string, string> = {
  PRIORITY_MAIL_EXPRESS_INTERNATIONAL: 'EZ',
  PRIORITY_MAIL_INTERNATIONAL: 'CP',
  'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE': 'LZ',
};

function sell(sim: SimContext, account: SimAccount, req: Request, imageType: string, sequence: number): Sold {
  const pd = req.packageDescription;
  const rendered = RENDERED[imageType] ?? { format: 'PDF', ext: 'pdf' };
  const trackingNumber = s10(
    PREFIX[pd.mailClass] ?? 'CP',
    (sim.clock() % 1_000_000) * 100 + (sequence % 100),
  );
  const to = req.toAddress;
  const group = internationalZone(to.countryISOAlpha2Code.toUpperCase());
  const priced = price(pd.mailClass, pd.weight, [pd.length, pd.width, pd.height], group);
  const { bytes, mediaType } = sim.documents.render(rendered.format, [
    `USPS ${pd.mailClass.replace(/_/g, ' ')}`,
    trackingNumber,
    (to.firm ?? `${to.firstName ?? ''} ${to.lastName ?? ''}`).trim().toUpperCase(),
    `${to.city.toUpperCase()} ${to.postalCode ?? ''} ${to.country.toUpperCase()}`,
    `CUSTOMS: ${req.customsForm.customsContentType} ${req.customsForm.AESITN}`,
  ]);
  sim.labels.create({
    accountId: account.id,
    trackingNumber,
    service: pd.mailClass,
    format: imageType,
    meta: { toCity: to.city, toCountry: to.countryISOAlpha2Code },
  });
  return {
    metadata: {
      labelAddress: to,
      internationalTrackingNumber: trackingNumber,
      constructCode: 'I01',
      SKU: `I${pd.mailClass.slice(0, 2)}XX0XXXXB${String(group).padStart(2, '0')}${String(priced.billableLb).padStart(3, '0')}`,
      postage: dollars(priced.postage),
      extraServices: [],
      internationalPriceGroup: String(group).padStart(2, '0'),
      weightUOM: 'lb',
      weight: pd.weight,
      dimensionalWeight: '0.0',
      mailingDate: pd.mailingDate,
      fees: priced.fees.map((f) => ({ name: f.name, SKU: f.SKU, price: dollars(f.cents) })),
    },
    image: bytes,
    mediaType,
    ext: rendered.ext,
  };
}

export function mountInternationalLabels(app: Hono, sim: SimContext): void {
  const renderer = uspsRenderer(API);
  let sequence = 0;
  app.post(
    `${API}/international-label`,
    apiGuard(sim, renderer, { endpoint: 'label', auth: bothTokens }),
    async (c) => {
      const body = await validateBody(await c.req.text(), InternationalLabelRequest, API);
      if (!body.ok) return body.response;
      const req = body.value;
      const dateError = mailingDateError(sim, req.packageDescription.mailingDate, API);
      if (dateError) return dateError;
      if (req.packageDescription.weight > maxPounds(req.packageDescription.mailClass)) {
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
      sequence += 1;
      const sold = sell(sim, account, req, imageType, sequence);
      return (c.req.header('accept') ?? '').includes(VENDOR_JSON) ? vendorJson(sold) : multipart(sold);
    },
  );
}
