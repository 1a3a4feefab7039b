/** `GET /rates` (one piece, query) and `POST /rates` (multi-piece, JSON body). */
import type { Context, Hono } from 'hono';
import { jsonResponse, type SimAccount } from '../../../sandbox/kit/index.ts';
import { billableGrams, euros, productsFor, quote, type SimPackage, zoneOf } from './pricing.ts';
import { badRequest, validationError } from './problems.ts';
import { firstSchemaError, RATE_RULES, SHIP_TIMESTAMP } from './schema-check.ts';

const INSTANCE = '/expressapi/rates';
const ACCOUNT_REFUSED =
  'The account number is not found or invalid. Please check the account number and retry.';

interface RateInput {
  from: { countryCode: string; cityName: string };
  to: { countryCode: string; cityName: string };
  accountNumber?: string;
  packages: SimPackage[];
  shipDate: string;
}

function answer(c: Context, input: RateInput): Response {
  const zone = zoneOf(input.from.countryCode, input.to.countryCode);
  const weights = billableGrams(input.packages);
  const products = productsFor(zone).map((product) => {
    const q = quote(product, zone, weights.billable);
    const prices = (currencyType: string) => ({
      currencyType,
      priceCurrency: 'EUR',
      price: euros(q.totalCents),
    });
    const breakdown = (currencyType: string) => ({
      currencyType,
      priceCurrency: 'EUR',
      priceBreakdown: [
        { typeCode: 'SPRQT', price: euros(q.baseCents + q.weightCents) },
        { typeCode: 'FF', price: euros(q.fuelCents) },
        { typeCode: 'STTXA', price: 0 },
      ],
    });
    return {
      productName: product.name,
      productCode: product.code,
      localProductCode: product.code,
      localProductCountryCode: input.from.countryCode,
      networkTypeCode: product.networkTypeCode,
      isCustomerAgreement: false,
      weight: {
        volumetric: weights.volumetric / 1000,
        provided: weights.provided / 1000,
        unitOfMeasurement: 'metric',
      },
      totalPrice: [prices('BILLC'), prices('PULCL'), prices('BASEC')],
      totalPriceBreakdown: [breakdown('BILLC'), breakdown('PULCL'), breakdown('BASEC')],
      deliveryCapabilities: {
        deliveryTypeCode: 'QDDC',
        estimatedDeliveryDateAndTime: `${addDays(input.shipDate, q.transitDays)}T23:59:00`,
        totalTransitDays: q.transitDays,
      },
      pricingDate: input.shipDate,
    };
  });
  return jsonResponse(c, { products, exchangeRates: [] });
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const GET_REQUIRED = [
  'accountNumber',
  'originCountryCode',
  'originCityName',
  'destinationCountryCode',
  'destinationCityName',
  'weight',
  'length',
  'width',
  'height',
  'plannedShippingDate',
  'isCustomsDeclarable',
  'unitOfMeasurement',
];

export function registerRates(app: Hono, accountOf: (c: Context) => SimAccount): void {
  app.get('/rates', (c) => {
    const q = c.req.query();
    const missing = GET_REQUIRED.filter((k) => !q[k]);
    if (missing.length) {
      return badRequest(INSTANCE, `Missing mandatory parameter(s): ${missing.join(', ')}`, 'number');
    }
    if (q.accountNumber !== accountOf(c).settings?.accountNumber)
      return badRequest(INSTANCE, ACCOUNT_REFUSED, 'number');
    const pkg: SimPackage = {
      weight: Number(q.weight),
      dimensions: { length: Number(q.length), width: Number(q.width), height: Number(q.height) },
    };
    return answer(c, {
      from: { countryCode: q.originCountryCode!, cityName: q.originCityName! },
      to: { countryCode: q.destinationCountryCode!, cityName: q.destinationCityName! },
      packages: [pkg],
      shipDate: q.plannedShippingDate!,
    });
  });

  app.post('/rates', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    const schemaError = firstSchemaError(body, RATE_RULES);
    if (schemaError) return validationError(INSTANCE, schemaError);
    const b = body as {
      customerDetails: { shipperDetails: RateInput['from']; receiverDetails: RateInput['to'] };
      accounts?: { typeCode: string; number: string }[];
      plannedShippingDateAndTime: string;
      packages: SimPackage[];
    };
    if (!SHIP_TIMESTAMP.test(b.plannedShippingDateAndTime)) {
      return badRequest(
        INSTANCE,
        "998: ShipTimeStamp is not well formatted.(Expected Sample Format : '2010-02-11T17:10:09 GMT+01:00')",
        'number',
      );
    }
    const shipper = b.accounts?.find((a) => a.typeCode === 'shipper');
    if (shipper && shipper.number !== accountOf(c).settings?.accountNumber) {
      return badRequest(INSTANCE, ACCOUNT_REFUSED, 'number');
    }
    return answer(c, {
      from: b.customerDetails.shipperDetails,
      to: b.customerDetails.receiverDetails,
      packages: b.packages,
      shipDate: b.plannedShippingDateAndTime.slice(0, 10),
    });
  });
}
