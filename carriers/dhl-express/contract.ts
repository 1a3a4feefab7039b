/** DHL Express in the contract suite (src/carrier/contract.ts): sample calls, wire paths, answer edits. */

import { readFileSync } from 'node:fs';
import { type CarrierContract, jsonAnswer, jsonEdit } from '../../src/carrier/contract.ts';

const paris = {
  name: 'Boutique',
  phone: '0140000000',
  lines: ['10 rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
};
const berlin = {
  name: 'Kunde',
  phone: '030123456',
  lines: ['Unter den Linden 1'],
  city: 'Berlin',
  postalCode: '10117',
  countryCode: 'DE',
};
const parcel = {
  weight: { value: 2.5, unit: 'kg' as const },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' as const },
};

const file = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export const contract: CarrierContract = {
  // Within the EU: no customs declaration needed.
  label: {
    service: 'U',
    shipper: berlin,
    recipient: paris,
    parcels: [{ weight: { value: 2, unit: 'kg' } }],
    format: 'PDF',
  },
  rate: { shipper: berlin, recipient: paris, parcels: [parcel] },
  wire: {
    track: { method: 'GET', path: /^\/shipments\/[^/]+\/tracking$/, fault: 'track' },
    label: { method: 'POST', path: /^\/shipments$/, fault: 'label' },
    rate: { method: 'POST', path: /^\/rates$/, fault: 'rate' },
  },
  edits: {
    nulls: {
      rate: jsonEdit((body) => {
        for (const product of body.products) {
          Object.assign(product, {
            localProductCode: null,
            totalPriceBreakdown: null,
            deliveryCapabilities: null,
          });
          Object.assign(product, { weight: null, networkTypeCode: null });
        }
      }),
      label: jsonEdit((body) => {
        Object.assign(body, { packages: null, trackingUrl: null, warnings: null });
      }),
    },
    unknownService: {
      code: 'Q',
      edit: jsonEdit((body) => {
        Object.assign(body.products[0], {
          productCode: 'Q',
          productName: 'MEDICAL EXPRESS',
          localProductCode: 'Q',
        });
      }),
    },
    withoutDocument: jsonEdit((body) => {
      body.documents = [];
    }),
  },
  fixtures: [
    { name: 'rates-response.json', operation: 'rate', answer: () => jsonAnswer(file('rates-response.json')) },
    {
      name: 'shipment-response-international.json',
      operation: 'label',
      answer: () => jsonAnswer(file('shipment-response-international.json')),
    },
    {
      name: 'tracking-response.json',
      operation: 'track',
      trackingNumber: '1234567890',
      answer: () => jsonAnswer(file('tracking-response.json')),
    },
  ],
  refusedSecrets: { password: 'not-the-password' },
};
