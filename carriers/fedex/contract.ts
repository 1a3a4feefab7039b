/** FedEx in the contract suite (src/carrier/contract.ts): sample calls, wire paths, answer edits. */

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
    service: 'FEDEX_GROUND',
    shipper: atlanta,
    recipient: newYork,
    parcels: [{ weight: { value: 2, unit: 'kg' } }],
    format: 'PDF',
  },
  rate: { shipper: atlanta, recipient: newYork, parcels: [parcel] },
  wire: {
    track: { method: 'POST', path: /^\/track\/v1\/trackingnumbers$/, fault: 'track' },
    label: { method: 'POST', path: /^\/ship\/v1\/shipments$/, fault: 'label' },
    rate: { method: 'POST', path: /^\/rate\/v1\/rates\/quotes$/, fault: 'rate' },
  },
  edits: {
    nulls: {
      rate: jsonEdit((body) => {
        body.output.alerts = null;
        for (const reply of body.output.rateReplyDetails) {
          Object.assign(reply, { customerMessages: null, operationalDetail: null, commit: null });
          for (const d of reply.ratedShipmentDetails)
            Object.assign(d, { totalBaseCharge: null, shipmentRateDetail: null });
        }
      }),
      label: jsonEdit((body) => {
        body.output.alerts = null;
        for (const shipment of body.output.transactionShipments) {
          Object.assign(shipment, { alerts: null, serviceType: null });
          for (const piece of shipment.pieceResponses) Object.assign(piece, { netChargeAmount: null });
        }
      }),
    },
    unknownService: {
      code: 'FEDEX_MYSTERY_SERVICE',
      edit: jsonEdit((body) => {
        Object.assign(body.output.rateReplyDetails[0], {
          serviceType: 'FEDEX_MYSTERY_SERVICE',
          serviceName: 'FedEx Mystery',
        });
      }),
    },
    withoutDocument: jsonEdit((body) => {
      for (const shipment of body.output.transactionShipments)
        for (const piece of shipment.pieceResponses) piece.packageDocuments = [];
    }),
  },
  fixtures: [
    {
      name: 'rate-response-international.json',
      operation: 'rate',
      answer: () => jsonAnswer(file('rate-response-international.json')),
    },
    { name: 'ship-response.json', operation: 'label', answer: () => jsonAnswer(file('ship-response.json')) },
    {
      name: 'track-response.json',
      operation: 'track',
      trackingNumber: '123456789012',
      answer: () => jsonAnswer(file('track-response.json')),
    },
  ],
  refusedSecrets: { clientSecret: 'not-the-secret' },
};
