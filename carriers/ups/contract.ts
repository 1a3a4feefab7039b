/** UPS in the contract suite (src/carrier/contract.ts): sample calls, wire paths, answer edits. */

import { type CarrierContract, each, jsonEdit } from '../../src/carrier/contract.ts';

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
  refusedSecrets: { clientSecret: 'not-the-secret' },
};
