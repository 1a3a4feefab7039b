/** `POST /rate/v1/rates/quotes`: rate shopping in the Rate API's shape (spec RateOutputVO). */
import type { Hono } from 'hono';
import type { SimContext } from '../../../sandbox/kit/index.ts';
import { apiGuard, guardedAccount } from '../../../sandbox/kit/index.ts';
import { amount, FUEL_PERCENT, type Quote, quote, servicesFor, zoneOf } from './pricing.ts';
import { fedexRenderer } from './renderer.ts';
import { jsonBody, parseBody, RateBody } from './requests.ts';
import { MESSAGES, outputResponse, refusal } from './wire.ts';

const DAY_WORDS = ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN'];
const transitTime = (days: number): string =>
  `${DAY_WORDS[Math.min(days, DAY_WORDS.length) - 1] ?? 'TEN'}_${days === 1 ? 'DAY' : 'DAYS'}`;

function ratedDetail(rateType: 'ACCOUNT' | 'LIST', q: Quote): Record<string, unknown> {
  // LIST is the published price: the same surcharge split, scaled up.
  const net = rateType === 'ACCOUNT' ? q.net : q.list;
  const fuel =
    rateType === 'ACCOUNT' ? q.fuel : Math.round((net * FUEL_PERCENT * 10) / (1000 + FUEL_PERCENT * 10));
  const base = net - fuel;
  return {
    rateType,
    ratedWeightMethod: 'ACTUAL',
    totalDiscounts: 0,
    totalBaseCharge: amount(base),
    totalNetCharge: amount(net),
    totalVatCharge: 0,
    totalNetFedExCharge: amount(net),
    totalDutiesAndTaxes: 0,
    totalNetChargeWithDutiesAndTaxes: amount(net),
    totalDutiesTaxesAndFees: 0,
    totalAncillaryFeesAndTaxes: 0,
    shipmentRateDetail: {
      rateZone: String(q.service.scope === 'domestic' ? 'US' : 'INTL'),
      dimDivisor: 139,
      fuelSurchargePercent: FUEL_PERCENT,
      totalSurcharges: amount(fuel),
      totalFreightDiscount: 0,
      surCharges: [{ type: 'FUEL', description: 'Fuel Surcharge', amount: amount(fuel) }],
      pricingCode: 'PACKAGE',
      totalBillingWeight: { units: 'LB', value: q.billableLb },
      currency: q.currency,
    },
    currency: q.currency,
  };
}

export function mountRate(app: Hono, sim: SimContext): void {
  app.post('/rate/v1/rates/quotes', apiGuard(sim, fedexRenderer, { endpoint: 'rate' }), async (c) => {
    const parsed = parseBody(RateBody, await jsonBody(c.req));
    if (!parsed.ok) return refusal(c, 400, parsed.errors);
    const { accountNumber, requestedShipment: rs } = parsed.value;
    const account = guardedAccount(c);
    if (accountNumber.value !== account?.settings?.accountNumber) {
      return refusal(c, 400, [{ code: 'ACCOUNT.NUMBER.MISMATCH', message: MESSAGES.accountMismatch }]);
    }
    const from = rs.shipper.address;
    const to = rs.recipient.address;
    const offered = servicesFor(from, to, rs.serviceType);
    if (offered.length === 0) {
      return refusal(c, 400, [{ code: 'RATE.LOCATION.NOSERVICE', message: MESSAGES.noService }]);
    }
    const international = from.countryCode !== to.countryCode;
    const wanted = rs.rateRequestType ?? ['ACCOUNT'];
    const customerMessages = international
      ? [
          {
            code: 'SERVICE.TYPE.INTERNATIONAL.MESSAGE',
            message:
              'Rate does not include duties & taxes, clearance entry fees or other import fees.  The payor of duties/taxes/fees will be responsible for any applicable Clearance Entry Fees.',
          },
          ...(rs.customsClearanceDetail?.commodities
            ? []
            : [
                {
                  code: 'EDT.DETAILS.MISSING',
                  message:
                    'The harmonized code for the commodity at array index 1 is missing or invalid; estimated duties and taxes were not returned.',
                },
              ]),
        ]
      : undefined;
    const rateReplyDetails = offered.map((service) => {
      const q = quote(service, from, to, rs.requestedPackageLineItems);
      // Ground takes a day more across the country (zones 6 and up).
      const days = (service.transitDays ?? 3) + (service.level === 'ground' && zoneOf(from, to) >= 6 ? 1 : 0);
      return {
        serviceType: service.code,
        serviceName: service.name,
        packagingType: rs.packagingType ?? 'YOUR_PACKAGING',
        ...(customerMessages ? { customerMessages } : {}),
        ratedShipmentDetails: [
          ...(wanted.includes('ACCOUNT') ? [ratedDetail('ACCOUNT', q)] : []),
          ...(wanted.includes('LIST') || !wanted.includes('ACCOUNT') ? [ratedDetail('LIST', q)] : []),
        ],
        operationalDetail: { transitTime: transitTime(days), serviceCode: service.code },
        signatureOptionType: 'SERVICE_DEFAULT',
      };
    });
    return outputResponse(c, {
      rateReplyDetails,
      quoteDate: rs.shipDateStamp ?? new Date(sim.clock()).toISOString().slice(0, 10),
      isEncoded: false,
      // The spec example's international quote carries this NOTE; it is a 200 warning, never a failure.
      ...(international
        ? {
            alerts: [
              {
                code: 'MONEYBACKGUARANTEE.NOT.ELIGIBLE',
                message: 'Money-back guarantee does not apply to this shipment.',
                alertType: 'NOTE',
              },
            ],
          }
        : {}),
    });
  });
}
