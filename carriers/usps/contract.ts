/** USPS in the contract suite (src/carrier/contract.ts): sample calls, wire paths, answer edits. */

import { readFileSync } from 'node:fs';
import { type CarrierContract, jsonAnswer, jsonEdit } from '../../src/carrier/contract.ts';

const atlanta = {
  name: 'Shop',
  phone: '4045550100',
  lines: ['1 Main St'],
  city: 'Atlanta',
  stateCode: 'GA',
  postalCode: '30301',
  countryCode: 'US',
};
const newYork = {
  name: 'Ada Shopper',
  phone: '2125550100',
  lines: ['350 5th Ave'],
  city: 'New York',
  stateCode: 'NY',
  postalCode: '10118',
  countryCode: 'US',
};
const parcel = {
  weight: { value: 2.5, unit: 'kg' as const },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' as const },
};

const file = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export const contract: CarrierContract = {
  label: {
    service: 'USPS_GROUND_ADVANTAGE',
    shipper: atlanta,
    recipient: newYork,
    parcels: [{ weight: { value: 1, unit: 'kg' } }],
    format: 'PDF',
  },
  rate: { shipper: atlanta, recipient: newYork, parcels: [parcel] },
  wire: {
    track: { method: 'GET', path: /^\/tracking\/v3\/tracking\//, fault: 'track' },
    label: { method: 'POST', path: /^\/labels\/v3\/label$/, fault: 'label' },
    rate: { method: 'POST', path: /^\/shipments\/v3\/options\/search$/, fault: 'rate' },
  },
  edits: {
    nulls: {
      rate: jsonEdit((body) => {
        for (const pricing of body.pricingOptions) {
          pricing.paymentAccount = null;
          for (const shipping of pricing.shippingOptions)
            for (const option of shipping.rateOptions) {
              Object.assign(option, { commitment: null, extraServices: null, totalPrice: null });
              for (const rate of option.rates)
                Object.assign(rate, { fees: null, SKU: null, productName: null });
            }
        }
      }),
      label: jsonEdit((body) => {
        // Not the price parts (postage, extraServices, fees): a null there leaves no exact total.
        Object.assign(body, { routingInformation: null, commitment: null, SKU: null, constructCode: null });
        Object.assign(body, { zone: null, labelAddress: null, weight: null, bannerText: null });
      }),
    },
    // USPS prices only the mail classes it is asked for: an unknown one must not show at all.
    unknownService: {
      code: 'USPS_MYSTERY_MAIL',
      edit: jsonEdit((body) => {
        const shipping = body.pricingOptions[0].shippingOptions[0];
        shipping.mailClass = 'USPS_MYSTERY_MAIL';
        for (const option of shipping.rateOptions)
          for (const rate of option.rates) rate.mailClass = 'USPS_MYSTERY_MAIL';
      }),
    },
    withoutDocument: jsonEdit((body) => {
      delete body.labelImage;
    }),
  },
  fixtures: [
    {
      name: 'prices-base-rates-search.response.json',
      operation: 'rate',
      settings: { rateApi: 'base-rates' },
      answer: () => jsonAnswer(file('prices-base-rates-search.response.json')),
    },
    {
      name: 'labels-vendor-json.response.json',
      operation: 'label',
      answer: () => jsonAnswer(file('labels-vendor-json.response.json'), 'application/vnd.usps.labels+json'),
    },
    {
      name: 'tracking-detail.response.json',
      operation: 'track',
      trackingNumber: '9261290485210000000000',
      answer: () => jsonAnswer(file('tracking-detail.response.json')),
    },
  ],
  refusedSecrets: { clientSecret: 'not-the-secret' },
};
