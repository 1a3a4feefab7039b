/**
 * Rate options as the Shipping Options and Total Rates APIs answer them: every eligible option
 * of each mail class (single piece at origin entry, a flat-rate box for Priority Mail, the
 * destination-entry options of Parcel Select), with the requested extra services priced and,
 * when some were asked for, their `totalPrice`. Prices come from the sandbox price book.
 */
import { dollars, entryDiscountCents, maxPounds, price } from './pricing.ts';

export const DOMESTIC_OUTBOUND = [
  'PRIORITY_MAIL_EXPRESS',
  'PRIORITY_MAIL',
  'USPS_GROUND_ADVANTAGE',
  'PARCEL_SELECT',
];
export const INTERNATIONAL = [
  'PRIORITY_MAIL_EXPRESS_INTERNATIONAL',
  'PRIORITY_MAIL_INTERNATIONAL',
  'FIRST-CLASS_PACKAGE_INTERNATIONAL_SERVICE',
];

/** Sandbox prices of extra services, in cents (shipping-options.yaml ExtraService codes). */
const EXTRA: Record<number, { name: string; cents: (value: number) => number }> = {
  920: { name: 'USPS Tracking', cents: () => 0 },
  921: { name: 'Signature Confirmation', cents: () => 475 },
  981: { name: 'Signature Requested (PRIORITY_MAIL_EXPRESS only)', cents: () => 0 },
  925: {
    name: 'Priority Mail Express Merchandise Insurance',
    cents: (v) => Math.max(0, Math.ceil((v - 100) / 100)) * 150,
  },
  930: { name: 'Insurance <= $500', cents: (v) => 295 + Math.ceil(v / 100) * 140 },
  931: { name: 'Insurance > $500', cents: (v) => 1100 + Math.ceil((v - 500) / 100) * 145 },
};

export interface OptionInput {
  mailClass: string;
  weight: number;
  dims: [number, number, number];
  zone: number;
  extraServices: number[];
  packageValue: number;
  priceType: string;
  processingCategory: string;
}

const DESCRIPTIONS: Record<string, string> = {
  SP: 'Single-piece',
  PA: 'Single-piece',
  FB: 'Medium Flat Rate Box',
};

function option(
  input: OptionInput,
  indicator: string,
  facility: string,
  postageCents: number,
  feesCents: { name: string; SKU: string; cents: number }[],
) {
  const base = postageCents + feesCents.reduce((n, f) => n + f.cents, 0);
  const extras = input.extraServices
    .filter((code) => EXTRA[code])
    .map((code) => ({ code, name: EXTRA[code]!.name, cents: EXTRA[code]!.cents(input.packageValue) }));
  const international = input.mailClass.includes('INTERNATIONAL');
  const days = input.mailClass.startsWith('PRIORITY_MAIL_EXPRESS')
    ? 1
    : input.mailClass.startsWith('PRIORITY_MAIL')
      ? 2
      : 4;
  return {
    ...(international
      ? {}
      : { commitment: { name: `${days} ${days === 1 ? 'Day' : 'Days'}`, guaranteedDelivery: days === 1 } }),
    totalBasePrice: dollars(base),
    ...(input.extraServices.length
      ? { totalPrice: dollars(base + extras.reduce((n, e) => n + e.cents, 0)) }
      : {}),
    rates: [
      {
        description: `${input.mailClass.replace(/_/g, ' ')} ${DESCRIPTIONS[indicator] ?? indicator}`,
        price: dollars(postageCents),
        zone: String(input.zone).padStart(2, '0'),
        weight: input.weight,
        dimWeight: 0,
        fees: feesCents.map((f) => ({ name: f.name, SKU: f.SKU, price: dollars(f.cents) })),
        priceType: input.priceType,
        mailClass: input.mailClass,
        processingCategory: indicator === 'FB' ? 'MACHINABLE' : input.processingCategory,
        rateIndicator: indicator,
        destinationEntryFacilityType: facility,
        SKU: `${international ? 'I' : 'D'}${input.mailClass.slice(0, 2)}XX0XXXX${indicator}${String(input.zone).padStart(2, '0')}0`,
      },
    ],
    extraServices: extras.map((e) => ({
      extraService: String(e.code),
      name: e.name,
      priceType: input.priceType,
      price: dollars(e.cents),
      SKU: `DX${e.code}0EXXXCX0000`,
      warnings: [],
    })),
  };
}

/** Every option of one mail class for the package; none when the weight does not qualify. */
export function optionsOf(input: OptionInput) {
  if (input.weight > maxPounds(input.mailClass)) return [];
  const priced = price(input.mailClass, input.weight, input.dims, input.zone);
  const indicator = input.mailClass.startsWith('PRIORITY_MAIL_EXPRESS') ? 'PA' : 'SP';
  const international = input.mailClass.includes('INTERNATIONAL');
  if (input.mailClass === 'PARCEL_SELECT') {
    // Destination entry only: cheaper the closer to the recipient it is entered.
    return [
      ...['DESTINATION_SECTIONAL_CENTER_FACILITY', 'DESTINATION_DELIVERY_UNIT'].map((facility) =>
        option(
          input,
          'SP',
          facility,
          priced.postage - entryDiscountCents(input.mailClass, facility),
          priced.fees,
        ),
      ),
    ];
  }
  const options = [
    option(
      input,
      indicator,
      international ? 'INTERNATIONAL_SERVICE_CENTER' : 'NONE',
      priced.postage,
      priced.fees,
    ),
  ];
  if (input.mailClass === 'PRIORITY_MAIL') options.push(option(input, 'FB', 'NONE', 1860, []));
  return options;
}
