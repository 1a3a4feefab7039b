/**
 * What the load generator sends, chosen with a seeded generator: rates (every US carrier, one
 * named carrier so failover is exercised, Europe), labels with a fresh Idempotency-Key, labels
 * that repeat an earlier key (later, or twice at once on two instances, or with another body),
 * tracking of labels bought earlier, and bad input that must get a clear 4xx.
 */
import { SAMPLE_ADDRESSES as A, SAMPLE_PARCEL } from '../../../sandbox/examples.ts';
import type { Random } from '../lib/random.ts';
import { CONNECTED_ACCOUNT } from '../setup/accounts.ts';

export type RequestKind =
  | 'rate'
  | 'label'
  | 'label-repeat'
  | 'label-repeat-concurrent'
  | 'label-conflict'
  | 'tracking'
  | 'bad-input';

export interface PlannedRequest {
  kind: RequestKind;
  method: 'GET' | 'POST';
  path: string;
  /** The JSON body as sent (or a deliberately broken text for bad input). */
  body?: string;
  headers: Record<string, string>;
  /** Labels: the Idempotency-Key and the reference the simulators count labels by. */
  key?: string;
  reference?: string;
  /** Labels and tracking: the carrier asked. */
  carrier?: string;
  /** Bad input: what is wrong with it. */
  flaw?: string;
}

export const MIX: Readonly<Record<'rate' | 'label' | 'repeat' | 'tracking' | 'bad', number>> = {
  rate: 0.45,
  label: 0.2,
  repeat: 0.1,
  tracking: 0.15,
  bad: 0.1,
};

const PARCEL = { weight: SAMPLE_PARCEL.weight, dimensions: SAMPLE_PARCEL.dimensions };
const EUR_VALUE = { insuredValue: { amount: '50.00', currency: 'EUR' } };

/** A label each carrier sells in the sandbox (the shapes the end-to-end test proves). */
const LABEL_SHAPES: readonly Record<string, unknown>[] = [
  { carrier: 'ups', shipper: A.atlanta, recipient: A.newYork, serviceLevel: 'ground', format: 'ZPL' },
  {
    carrier: 'ups',
    account: CONNECTED_ACCOUNT,
    shipper: A.atlanta,
    recipient: A.newYork,
    serviceLevel: 'ground',
    format: 'ZPL',
  },
  {
    carrier: 'ups',
    account: 'ups-sandbox',
    shipper: A.atlanta,
    recipient: A.newYork,
    serviceLevel: 'ground',
    format: 'ZPL',
  },
  { carrier: 'fedex', shipper: A.atlanta, recipient: A.newYork, serviceLevel: 'ground', format: 'PDF' },
  { carrier: 'usps', shipper: A.atlanta, recipient: A.newYork, serviceLevel: 'ground', format: 'PDF' },
  {
    carrier: 'dhl-express',
    shipper: A.paris,
    recipient: A.berlin,
    serviceLevel: 'express',
    format: 'PDF',
    options: EUR_VALUE,
  },
  {
    carrier: 'dhl-parcel-de',
    shipper: A.berlin,
    recipient: { ...A.berlin, lines: ['Friedrichstr. 10'] },
    serviceLevel: 'standard',
    format: 'PDF',
  },
  {
    carrier: 'colissimo',
    shipper: A.paris,
    recipient: { ...A.paris, lines: ['5 avenue Anatole France'], postalCode: '75007' },
    serviceLevel: 'standard',
    format: 'PDF',
  },
];

const RATE_SHAPES: readonly Record<string, unknown>[] = [
  { shipper: A.atlanta, recipient: A.newYork, parcels: [PARCEL] },
  { shipper: A.atlanta, recipient: A.newYork, parcels: [PARCEL], carriers: ['ups'] },
  { shipper: A.atlanta, recipient: A.newYork, parcels: [PARCEL], carriers: ['usps'] },
  { shipper: A.atlanta, recipient: A.newYork, parcels: [PARCEL], carriers: ['fedex'] },
  { shipper: A.paris, recipient: A.berlin, parcels: [PARCEL] },
  { shipper: A.paris, recipient: A.berlin, parcels: [PARCEL], carriers: ['dhl-parcel-de'] },
];

const BAD_INPUTS: readonly { flaw: string; path: string; body: string; headers?: Record<string, string> }[] =
  [
    {
      flaw: 'rate without recipient',
      path: '/v1/rates',
      body: JSON.stringify({ shipper: A.atlanta, parcels: [PARCEL] }),
    },
    {
      flaw: 'negative weight',
      path: '/v1/rates',
      body: JSON.stringify({
        shipper: A.atlanta,
        recipient: A.newYork,
        parcels: [{ weight: { value: -1, unit: 'kg' } }],
      }),
    },
    { flaw: 'malformed JSON', path: '/v1/rates', body: '{"shipper": {"name": "x",' },
    {
      flaw: 'unknown carrier named',
      path: '/v1/rates',
      body: JSON.stringify({
        shipper: A.atlanta,
        recipient: A.newYork,
        parcels: [PARCEL],
        carriers: ['nope'],
      }),
    },
    {
      flaw: 'label without Idempotency-Key',
      path: '/v1/labels',
      body: JSON.stringify({ ...LABEL_SHAPES[3], parcels: [PARCEL], reference: 'no-key' }),
    },
    {
      flaw: 'label with an unknown service level',
      path: '/v1/labels',
      body: JSON.stringify({ ...LABEL_SHAPES[3], serviceLevel: 'teleport', parcels: [PARCEL] }),
      headers: { 'idempotency-key': 'bad-input-service-level' },
    },
    {
      flaw: 'label format the carrier does not print',
      path: '/v1/labels',
      body: JSON.stringify({ ...LABEL_SHAPES[5], format: 'GIF', parcels: [PARCEL] }),
      headers: { 'idempotency-key': 'bad-input-format' },
    },
    {
      flaw: 'unknown country code',
      path: '/v1/rates',
      body: JSON.stringify({
        shipper: { ...A.atlanta, countryCode: 'ZZZ' },
        recipient: A.newYork,
        parcels: [PARCEL],
      }),
    },
  ];

export interface SentLabel {
  key: string;
  reference: string;
  body: string;
  carrier: string;
  /** Whether the first request for the key has an answer yet. */
  answered: boolean;
}

/** What the generator remembers to build repeats and tracking requests. */
export interface MixMemory {
  labels: SentLabel[];
  tracked: { carrier: string; trackingNumber: string }[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function createMix(random: Random, runId: string) {
  let sequence = 0;

  function label(memory: MixMemory): PlannedRequest {
    sequence += 1;
    const key = `soak-${runId}-${sequence}`;
    const reference = `sk${runId.slice(0, 6)}${sequence}`;
    const shape = random.pick(LABEL_SHAPES);
    const failover = random.chance(0.2) ? 'never' : 'auto';
    const body = JSON.stringify({ ...shape, parcels: [PARCEL], reference, failover });
    const carrier = String(shape.carrier);
    memory.labels.push({ key, reference, body, carrier, answered: false });
    return {
      kind: 'label',
      method: 'POST',
      path: '/v1/labels',
      body,
      headers: { ...JSON_HEADERS, 'idempotency-key': key },
      key,
      reference,
      carrier,
    };
  }

  function repeat(memory: MixMemory): PlannedRequest {
    if (memory.labels.length === 0) return label(memory);
    const roll = random.next();
    // Half the repeats pick a recent key (likely still in flight somewhere), half any key.
    const recent = memory.labels.slice(-20);
    const sent = roll < 0.5 ? random.pick(recent) : random.pick(memory.labels);
    const answered = memory.labels.filter((l) => l.answered);
    if (roll > 0.9 && answered.length > 0) {
      // The same key with another body: must be refused as a conflict, never bought.
      const original = random.pick(answered);
      const changed = JSON.stringify({ ...JSON.parse(original.body), reference: `${original.reference}x` });
      return {
        kind: 'label-conflict',
        method: 'POST',
        path: '/v1/labels',
        body: changed,
        headers: { ...JSON_HEADERS, 'idempotency-key': original.key },
        key: original.key,
        reference: `${original.reference}x`,
        carrier: original.carrier,
      };
    }
    return {
      kind: roll > 0.75 ? 'label-repeat-concurrent' : 'label-repeat',
      method: 'POST',
      path: '/v1/labels',
      body: sent.body,
      headers: { ...JSON_HEADERS, 'idempotency-key': sent.key },
      key: sent.key,
      reference: sent.reference,
      carrier: sent.carrier,
    };
  }

  function tracking(memory: MixMemory): PlannedRequest {
    const known = memory.tracked.length > 0 && random.chance(0.85);
    const target = known
      ? random.pick(memory.tracked)
      : {
          carrier: random.pick(['ups', 'fedex', 'usps', 'dhl-express', 'colissimo']),
          trackingNumber: `NOSUCH${random.int(1e5, 9e5)}`,
        };
    return {
      kind: 'tracking',
      method: 'GET',
      path: `/v1/tracking/${target.carrier}/${encodeURIComponent(target.trackingNumber)}`,
      headers: {},
      carrier: target.carrier,
    };
  }

  function bad(): PlannedRequest {
    const input = random.pick(BAD_INPUTS);
    return {
      kind: 'bad-input',
      method: 'POST',
      path: input.path,
      body: input.body,
      headers: { ...JSON_HEADERS, ...input.headers },
      flaw: input.flaw,
    };
  }

  return {
    next(memory: MixMemory): PlannedRequest {
      switch (random.weighted(MIX)) {
        case 'rate':
          return {
            kind: 'rate',
            method: 'POST',
            path: '/v1/rates',
            body: JSON.stringify(random.pick(RATE_SHAPES)),
            headers: JSON_HEADERS,
          };
        case 'label':
          return label(memory);
        case 'repeat':
          return repeat(memory);
        case 'tracking':
          return tracking(memory);
        default:
          return bad();
      }
    },
  };
}
