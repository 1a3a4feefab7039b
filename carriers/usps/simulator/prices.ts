/**
 * POST /prices/v3/base-rates/search and /international-prices/v3/base-rates/search: the
 * BaseRatesQuery validated like the real API (OASValidation 400, 030001 unknown zone, 030004
 * weight not qualifying), answered as BaseRateOption with the sandbox price book.
 */
import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { apiGuard, type SimContext } from '../../../sandbox/kit/index.ts';
import { errorResponse, uspsRenderer } from './errors.ts';
import {
  dollars,
  domesticZone,
  entryDiscountCents,
  internationalZone,
  knownMailClass,
  maxPounds,
  price,
} from './pricing.ts';
import { validateBody } from './validate.ts';

const zip = z.string().regex(/^\d{5}(?:[-\s]\d{4})?$/);
const positive = z.number().positive();

const common = {
  originZIPCode: zip,
  weight: positive,
  length: positive,
  width: positive,
  height: positive,
  mailClass: z.string().min(1),
  processingCategory: z.enum([
    'LETTERS',
    'FLATS',
    'MACHINABLE',
    'IRREGULAR',
    'NON_MACHINABLE',
    'NONSTANDARD',
  ]),
  rateIndicator: z.string().regex(/^[A-Z0-9]{2}$/),
  destinationEntryFacilityType: z.enum([
    'NONE',
    'DESTINATION_NETWORK_DISTRIBUTION_CENTER',
    'DESTINATION_SECTIONAL_CENTER_FACILITY',
    'DESTINATION_DELIVERY_UNIT',
    'DESTINATION_SERVICE_HUB',
    'DESTINATION_REGIONAL_PROCESSING_DISTRIBUTION_CENTER',
  ]),
  priceType: z.enum(['RETAIL', 'COMMERCIAL', 'CONTRACT', 'NSA', 'COMMERCIAL_BASE', 'COMMERCIAL_PLUS']),
  mailingDate: z.iso.date().optional(),
  accountType: z.enum(['EPS', 'PERMIT', 'METER', 'MID']).optional(),
  accountNumber: z.string().regex(/^\d+$/).optional(),
  hasNonstandardCharacteristics: z.boolean().optional(),
};

/** Domestic BaseRatesQuery (usps_prices.yaml), additionalProperties: false. */
const DomesticQuery = z.strictObject({ ...common, destinationZIPCode: zip });
/** International base rates query: the destination is a country (and its postal code). */
const InternationalQuery = z.strictObject({
  ...common,
  destinationCountryCode: z.string().regex(/^[A-Z]{2}$/),
  foreignPostalCode: z.string().max(20).optional(),
});

const today = (sim: SimContext): string => new Date(sim.clock()).toISOString().slice(0, 10);

interface Query {
  originZIPCode: string;
  weight: number;
  length: number;
  width: number;
  height: number;
  mailClass: string;
  processingCategory: string;
  rateIndicator: string;
  destinationEntryFacilityType: string;
  priceType: string;
  accountNumber?: string | undefined;
}

function answer(
  sim: SimContext,
  apiVersion: string,
  q: Query,
  zone: number | undefined,
  international: boolean,
): Response {
  const domesticClass = !q.mailClass.endsWith('INTERNATIONAL') && !q.mailClass.includes('INTERNATIONAL_');
  if (!knownMailClass(q.mailClass) || domesticClass === international) {
    return errorResponse(apiVersion, 400, [
      {
        code: 'OASValidation',
        parameter: 'mailClass',
        detail: `'${q.mailClass}' is not one of the allowed values`,
      },
    ]);
  }
  if (zone === undefined) {
    return errorResponse(apiVersion, 400, [
      { code: '030001', detail: 'Could not find zone from provided ZIPs, date, and mail class' },
    ]);
  }
  if (q.weight > maxPounds(q.mailClass)) {
    return errorResponse(apiVersion, 400, [
      { code: '030004', detail: 'Package weight does not qualify for this product.' },
    ]);
  }
  const priced = price(q.mailClass, q.weight, [q.length, q.width, q.height], zone);
  priced.postage -= entryDiscountCents(q.mailClass, q.destinationEntryFacilityType);
  const fees = priced.fees.map((f) => ({ name: f.name, SKU: f.SKU, price: dollars(f.cents) }));
  const total = priced.postage + priced.fees.reduce((s, f) => s + f.cents, 0);
  const warnings = q.accountNumber
    ? [
        {
          warningCode: '001',
          warningDescription: 'Contract rate not found for request. Published rate returned.',
        },
      ]
    : [];
  const zoneText = String(zone).padStart(2, '0');
  return Response.json({
    totalBasePrice: dollars(total),
    rates: [
      {
        SKU: `${international ? 'I' : 'D'}${q.mailClass.slice(0, 2)}XX0XXXX${q.priceType.slice(0, 1)}${zoneText}${String(priced.billableLb).padStart(3, '0')}`,
        description: `${q.mailClass.replace(/_/g, ' ')} ${q.processingCategory === 'MACHINABLE' ? 'Machinable' : 'Nonstandard'} Single-piece`,
        priceType: q.accountNumber ? 'COMMERCIAL' : q.priceType,
        price: dollars(priced.postage),
        weight: q.weight,
        dimWeight: 0,
        fees,
        startDate: today(sim),
        endDate: '',
        warnings,
        mailClass: q.mailClass,
        zone: zoneText,
        processingCategory: q.processingCategory,
        rateIndicator: q.rateIndicator,
        destinationEntryFacilityType: q.destinationEntryFacilityType,
      },
    ],
  });
}

export function mountPrices(app: Hono, sim: SimContext): void {
  const domestic = '/prices/v3';
  const intl = '/international-prices/v3';
  app.post(
    `${domestic}/base-rates/search`,
    apiGuard(sim, uspsRenderer(domestic), { endpoint: 'rate' }),
    async (c) => {
      const body = await validateBody(await c.req.text(), DomesticQuery, domestic);
      if (!body.ok) return body.response;
      const q = body.value;
      return answer(sim, domestic, q, domesticZone(q.originZIPCode, q.destinationZIPCode), false);
    },
  );
  app.post(
    `${intl}/base-rates/search`,
    apiGuard(sim, uspsRenderer(intl), { endpoint: 'rate' }),
    async (c) => {
      const body = await validateBody(await c.req.text(), InternationalQuery, intl);
      if (!body.ok) return body.response;
      const q = body.value;
      return answer(
        sim,
        intl,
        q,
        q.destinationCountryCode === 'US' ? undefined : internationalZone(q.destinationCountryCode),
        true,
      );
    },
  );
}
