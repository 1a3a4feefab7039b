/**
 * POST /shipments/v3/options/search (Shipping Options v3, shipping-options.yaml as vendored at
 * karrioapi/karrio@deea10f85) and POST /prices/v3/total-rates/search (usps_prices.yaml
 * TotalRatesQuery): validated like the real API gateway (OASValidation 400), answered with
 * every eligible rate option (options.ts).
 */
import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { apiGuard, type SimContext } from '../../../sandbox/kit/index.ts';
import { errorResponse, uspsRenderer } from './errors.ts';
import { DOMESTIC_OUTBOUND, INTERNATIONAL, optionsOf } from './options.ts';
import { domesticZone, internationalZone, knownMailClass } from './pricing.ts';
import { validateBody } from './validate.ts';

const zip = z.string().regex(/^\d{5}(?:[-\s]\d{4})?$/);
const positive = z.number().positive();
const priceType = z.enum(['RETAIL', 'COMMERCIAL', 'CONTRACT', 'COMMERCIAL_BASE', 'COMMERCIAL_PLUS']);

const PackageDescription = z.looseObject({
  mailClass: z.string().min(1),
  weight: positive,
  length: positive,
  width: positive,
  height: positive,
  extraServices: z.array(z.number().int()).max(5).optional(),
  packageValue: z.number().nonnegative().optional(),
  mailingDate: z.string().optional(),
});
const PricingOption = z.looseObject({
  priceType,
  paymentAccount: z
    .looseObject({ accountType: z.enum(['EPS', 'PERMIT', 'METER', 'MID']), accountNumber: z.string() })
    .optional(),
});
/** DomesticOptionsRequest / InternationalOptionsRequest (additionalProperties: false). */
const OptionsRequest = z.union([
  z.strictObject({
    pricingOptions: z.array(PricingOption).min(1),
    originZIPCode: zip,
    destinationZIPCode: zip,
    destinationEntryFacilityType: z.string().optional(),
    packageDescription: PackageDescription,
    shippingFilter: z.enum(['PRICE', 'SERVICE_STANDARDS']).optional(),
  }),
  z.strictObject({
    pricingOptions: z.array(PricingOption).min(1),
    originZIPCode: zip,
    destinationCountryCode: z.string().regex(/^[A-Z]{2}$/),
    foreignPostalCode: z.string().max(20).optional(),
    packageDescription: PackageDescription,
  }),
]);

/** TotalRatesQuery: RateListQuery + itemValue + extraServices (additionalProperties: false). */
const TotalRatesQuery = z.strictObject({
  originZIPCode: zip,
  destinationZIPCode: zip,
  weight: positive,
  length: positive,
  width: positive,
  height: positive,
  mailClass: z.string().optional(),
  mailClasses: z.array(z.string()).optional(),
  priceType: priceType.optional(),
  mailingDate: z.iso.date().optional(),
  accountType: z.enum(['EPS', 'PERMIT', 'METER']).optional(),
  accountNumber: z.string().regex(/^\d+$/).optional(),
  hasNonstandardCharacteristics: z.boolean().optional(),
  itemValue: z.number().nonnegative().optional(),
  extraServices: z.array(z.number().int()).optional(),
});

function classesOf(asked: string, international: boolean): string[] | undefined {
  if (asked === 'ALL' || asked === 'ALL_OUTBOUND') return international ? INTERNATIONAL : DOMESTIC_OUTBOUND;
  if (!knownMailClass(asked) || asked.includes('INTERNATIONAL') !== international) return undefined;
  return [asked];
}

const processing = (length: number): string => (length > 22 ? 'NONSTANDARD' : 'MACHINABLE');

export function mountShippingOptions(app: Hono, sim: SimContext): void {
  const api = '/shipments/v3';
  app.post(`${api}/options/search`, apiGuard(sim, uspsRenderer(api), { endpoint: 'rate' }), async (c) => {
    const body = await validateBody(await c.req.text(), OptionsRequest, api);
    if (!body.ok) return body.response;
    const q = body.value;
    const international = 'destinationCountryCode' in q;
    const pd = q.packageDescription;
    const classes = classesOf(pd.mailClass, international);
    if (!classes) {
      return errorResponse(api, 400, [
        {
          code: 'OASValidation',
          parameter: 'packageDescription.mailClass',
          detail: `'${pd.mailClass}' is not one of the allowed values`,
        },
      ]);
    }
    const zone = international
      ? internationalZone(q.destinationCountryCode)
      : domesticZone(q.originZIPCode, q.destinationZIPCode);
    if (zone === undefined) {
      return errorResponse(api, 400, [
        { code: '030001', detail: 'Could not find zone from provided ZIPs, date, and mail class' },
      ]);
    }
    const pricing = q.pricingOptions[0]!;
    const shippingOptions = classes
      .map((mailClass) => ({
        mailClass,
        rateOptions: optionsOf({
          mailClass,
          weight: pd.weight,
          dims: [pd.length, pd.width, pd.height],
          zone,
          extraServices: pd.extraServices ?? [],
          packageValue: pd.packageValue ?? 0,
          priceType: pricing.priceType === 'CONTRACT' ? 'COMMERCIAL' : pricing.priceType,
          processingCategory: processing(pd.length),
        }),
      }))
      .filter((o) => o.rateOptions.length > 0);
    return Response.json({
      originZIPCode: q.originZIPCode,
      ...(international
        ? {
            destinationCountryCode: q.destinationCountryCode,
            ...(q.foreignPostalCode ? { foreignPostalCode: q.foreignPostalCode } : {}),
          }
        : { destinationZIPCode: q.destinationZIPCode }),
      pricingOptions: [{ shippingOptions, ...pricing }],
    });
  });

  const prices = '/prices/v3';
  app.post(
    `${prices}/total-rates/search`,
    apiGuard(sim, uspsRenderer(prices), { endpoint: 'rate' }),
    async (c) => {
      const body = await validateBody(await c.req.text(), TotalRatesQuery, prices);
      if (!body.ok) return body.response;
      const q = body.value;
      const asked = q.mailClasses ?? (q.mailClass ? [q.mailClass] : DOMESTIC_OUTBOUND);
      const unknown = asked.find((m) => !knownMailClass(m) || m.includes('INTERNATIONAL'));
      if (unknown) {
        return errorResponse(prices, 400, [
          {
            code: 'OASValidation',
            parameter: 'mailClasses',
            detail: `'${unknown}' is not one of the allowed values`,
          },
        ]);
      }
      const zone = domesticZone(q.originZIPCode, q.destinationZIPCode);
      if (zone === undefined) {
        return errorResponse(prices, 400, [
          { code: '030001', detail: 'Could not find zone from provided ZIPs, date, and mail class' },
        ]);
      }
      const rateOptions = asked.flatMap((mailClass) =>
        optionsOf({
          mailClass,
          weight: q.weight,
          dims: [q.length, q.width, q.height],
          zone,
          extraServices: q.extraServices ?? [],
          packageValue: q.itemValue ?? 0,
          priceType: q.priceType === 'CONTRACT' || !q.priceType ? 'COMMERCIAL' : q.priceType,
          processingCategory: processing(q.length),
        }).map(({ commitment: _c, ...o }) => o),
      );
      return Response.json({ rateOptions });
    },
  );
}
