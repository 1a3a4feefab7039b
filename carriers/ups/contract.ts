/** UPS in the contract suite (src/carrier/contract.ts): sample calls, wire paths, answer edits. */

import { readFileSync } from 'node:fs';
import { type CarrierContract, each, jsonAnswer, jsonEdit } from '../../src/carrier/contract.ts';

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
    service: '03',
    shipper: atlanta,
    recipient: newYork,
    parcels: [{ weight: { value: 2, unit: 'kg' } }],
    format: 'GIF',
  },
  rate: { shipper: atlanta, recipient: newYork, parcels: [parcel] },
  wire: {
    track: { method: 'GET', path: /^\/api\/track\/v1\/details\//, fault: 'track' },
    label: { method: 'POST', path: /^\/api\/shipments\/[^/]+\/ship$/, fault: 'label' },
    rate: { method: 'POST', path: /^\/api\/rating\/[^/]+\/(Rate|Shop)$/i, fault: 'rate' },
  },
  edits: {
    nulls: {
      rate: jsonEdit((body) => {
        body.RateResponse.Response.Alert = null;
        for (const r of each(body.RateResponse.RatedShipment)) {
          Object.assign(r, { ItemizedCharges: null, RatedShipmentAlert: null, GuaranteedDelivery: null });
          Object.assign(r, { NegotiatedRateCharges: null, ServiceOptionsCharges: null, RatedPackage: null });
        }
      }),
      label: jsonEdit((body) => {
        const results = body.ShipmentResponse.ShipmentResults;
        Object.assign(results, { NegotiatedRateCharges: null, BillingWeight: null });
        for (const p of each(results.PackageResults)) Object.assign(p, { ItemizedCharges: null });
        body.ShipmentResponse.Response.TransactionReference = null;
      }),
    },
    unknownService: {
      code: '96',
      edit: jsonEdit((body) => {
        each(body.RateResponse.RatedShipment)[0].Service = {
          Code: '96',
          Description: 'UPS Worldwide Express Freight',
        };
      }),
    },
    withoutDocument: jsonEdit((body) => {
      for (const p of each(body.ShipmentResponse.ShipmentResults.PackageResults)) delete p.ShippingLabel;
    }),
  },
  fixtures: [
    {
      name: 'rate-response.shop.json',
      operation: 'rate',
      answer: () => jsonAnswer(file('rate-response.shop.json')),
    },
    {
      name: 'rate-response.rate.json',
      operation: 'rate',
      answer: () => jsonAnswer(file('rate-response.rate.json')),
    },
    {
      name: 'ship-response.single-package.json',
      operation: 'label',
      answer: () => jsonAnswer(file('ship-response.single-package.json')),
    },
    {
      name: 'track-response.schema-examples.json',
      operation: 'track',
      trackingNumber: '1Z023E2X0214323462',
      answer: () => jsonAnswer(file('track-response.schema-examples.json')),
    },
  ],
  refusedSecrets: { clientSecret: 'not-the-secret' },
};
