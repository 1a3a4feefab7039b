/**
 * Sample shipments: what the sandbox banner prints, and what tests and benchmarks send. One
 * place, so the requests a user pastes are the ones the test suite proves.
 */
export const SAMPLE_ADDRESSES = {
  atlanta: {
    name: 'Shop',
    phone: '4045550100',
    lines: ['1 Main St'],
    city: 'Atlanta',
    stateCode: 'GA',
    postalCode: '30301',
    countryCode: 'US',
  },
  newYork: {
    name: 'Ada Shopper',
    phone: '2125550100',
    lines: ['350 5th Ave'],
    city: 'New York',
    stateCode: 'NY',
    postalCode: '10118',
    countryCode: 'US',
  },
  paris: {
    name: 'Boutique',
    phone: '0140000000',
    lines: ['10 rue de Rivoli'],
    city: 'Paris',
    postalCode: '75001',
    countryCode: 'FR',
  },
  berlin: {
    name: 'Kunde',
    phone: '030123456',
    lines: ['Unter den Linden 1'],
    city: 'Berlin',
    postalCode: '10117',
    countryCode: 'DE',
  },
  london: {
    name: 'Buyer',
    phone: '02070000000',
    lines: ['1 Oxford St'],
    city: 'London',
    postalCode: 'W1D 1AN',
    countryCode: 'GB',
  },
} as const;

export const SAMPLE_PARCEL = {
  weight: { value: 2.5, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
} as const;

/** A US domestic shipment every US carrier quotes. */
export const SAMPLE_RATE_REQUEST = {
  shipper: SAMPLE_ADDRESSES.atlanta,
  recipient: SAMPLE_ADDRESSES.newYork,
  parcels: [SAMPLE_PARCEL],
} as const;

export const SAMPLE_LABEL_REQUEST = {
  carrier: 'fedex',
  serviceLevel: 'ground',
  format: 'PDF',
  reference: 'order-1001',
  shipper: SAMPLE_ADDRESSES.atlanta,
  recipient: SAMPLE_ADDRESSES.newYork,
  parcels: [{ weight: SAMPLE_PARCEL.weight }],
} as const;
