/** DHL Parcel DE in the contract suite (src/carrier/contract.ts): sample label, wire path, answer edits. */

import { readFileSync } from 'node:fs';
import { type CarrierContract, jsonAnswer, jsonEdit } from '../../src/carrier/contract.ts';

const berlin = {
  name: 'Kunde',
  phone: '030123456',
  lines: ['Unter den Linden 1'],
  city: 'Berlin',
  postalCode: '10117',
  countryCode: 'DE',
};

const file = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export const contract: CarrierContract = {
  label: {
    service: 'V01PAK',
    shipper: { ...berlin, name: 'Shop GmbH' },
    recipient: {
      name: 'Maria Musterfrau',
      lines: ['Invalidenstr. 1'],
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    },
    parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
    format: 'PDF',
  },
  // Rates come from a dated table: nothing on the wire.
  wire: { label: { method: 'POST', path: /^\/parcel\/de\/shipping\/v2\/orders$/, fault: 'label' } },
  edits: {
    nulls: {
      label: jsonEdit((body) => {
        for (const item of body.items)
          Object.assign(item, { routingCode: null, shipmentRefNo: null, validationMessages: null });
        body.status.detail = null;
      }),
    },
    withoutDocument: jsonEdit((body) => {
      for (const item of body.items) delete item.label;
    }),
  },
  fixtures: [
    {
      name: 'label-response-single.json',
      operation: 'label',
      answer: () => jsonAnswer(file('label-response-single.json')),
    },
  ],
  refusedSecrets: { password: 'not-the-password' },
};
