/**
 * Node and Workers answer alike: one table of requests (rates, labels, errors, the carrier
 * list) runs against the Node server and against the Worker bundle in workerd, each in front
 * of its own fresh set of simulators with the same accounts; for every request the status
 * and the stable parts of the body (everything but ids, times and generated numbers) match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers as registry } from '../../carriers/index.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import {
  buildTestBundle,
  startSimulators,
  startWorker,
  type WorkerHarness,
  workerConfig,
} from './support/worker-harness.ts';

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

type Send = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

function sender(fetcher: (url: string, init: RequestInit) => Promise<Response>, apiKey: string): Send {
  return async (method, path, body, headers = {}) => {
    const res = await fetcher(path, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text: text.slice(0, 200) };
    }
    return {
      status: res.status,
      contentType: (res.headers.get('content-type') ?? '').split(';')[0]!,
      body: parsed,
    };
  };
}

/** What must be equal across runtimes in a problem+json answer. */
const problem = (a: Answer) => ({
  status: a.status,
  contentType: a.contentType,
  type: a.body.type,
  title: a.body.title,
  bodyStatus: a.body.status,
  carrier: a.body.carrier,
  class: a.body.class,
  fields: Array.isArray(a.body.errors)
    ? (a.body.errors as { pointer?: string; field?: string }[]).length
    : undefined,
});

const rateView = (a: Answer) => ({
  status: a.status,
  rates: ((a.body.rates ?? []) as Record<string, unknown>[]).map((r) => ({
    carrier: r.carrier,
    account: r.account,
    service: r.service,
    total: r.total,
    source: r.source,
  })),
  messages: a.body.messages,
});

const labelView = (a: Answer) => {
  if (a.status !== 201) return problem(a);
  const routing = a.body.routing as {
    requested: string;
    servedBy: string;
    failedOver: boolean;
    attempts: Record<string, unknown>[];
  };
  return {
    status: a.status,
    carrier: a.body.carrier,
    account: a.body.account,
    service: a.body.service,
    format: a.body.format,
    mediaType: a.body.mediaType,
    price: a.body.price,
    reference: a.body.reference,
    conversion: a.body.conversion,
    document: Buffer.from(String(a.body.data), 'base64').subarray(0, 3).toString('latin1'),
    routing: {
      requested: routing.requested,
      servedBy: routing.servedBy,
      failedOver: routing.failedOver,
      attempts: routing.attempts.map((t) => ({ carrier: t.carrier, outcome: t.outcome, class: t.class })),
    },
  };
};

const parcel = {
  weight: { value: 2.5, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
};
const usLabel = {
  carrier: 'ups',
  shipper: ADDRESSES.atlanta,
  recipient: ADDRESSES.newYork,
  parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
  serviceLevel: 'ground',
  format: 'ZPL',
  reference: 'parity-ups',
  failover: 'never',
};

/**
 * The shared table: each row sends its requests and returns what must match; `expect` is
 * checked on the Node answer too, so a row cannot pass by both runtimes failing alike.
 */
const TABLE: { name: string; expect: Record<string, unknown>; run(send: Send): Promise<unknown> }[] = [
  {
    name: 'rates, US domestic (UPS, FedEx, USPS)',
    expect: { status: 200, messages: [] },
    run: async (send) =>
      rateView(
        await send('POST', '/v1/rates', {
          shipper: ADDRESSES.atlanta,
          recipient: ADDRESSES.newYork,
          parcels: [parcel],
        }),
      ),
  },
  {
    name: 'rates, France to Germany (live and table rates)',
    expect: { status: 200, messages: [] },
    run: async (send) =>
      rateView(
        await send('POST', '/v1/rates', {
          shipper: ADDRESSES.paris,
          recipient: ADDRESSES.berlin,
          parcels: [parcel],
        }),
      ),
  },
  {
    name: 'rates, one carrier asked',
    expect: { status: 200, messages: [] },
    run: async (send) =>
      rateView(
        await send('POST', '/v1/rates', {
          shipper: ADDRESSES.atlanta,
          recipient: ADDRESSES.newYork,
          parcels: [parcel],
          carriers: ['fedex'],
        }),
      ),
  },
  {
    name: 'rates, invalid body (validation problem)',
    expect: { status: 400, type: '/problems/validation' },
    run: async (send) =>
      problem(await send('POST', '/v1/rates', { shipper: ADDRESSES.atlanta, parcels: [] })),
  },
  {
    name: 'rates, malformed JSON',
    expect: { status: 400, type: '/problems/malformed-json' },
    run: async (send) => problem(await send('POST', '/v1/rates', '{"shipper":')),
  },
  {
    name: 'label, UPS ZPL',
    expect: { status: 201, carrier: 'ups', format: 'ZPL', document: '^XA' },
    run: async (send) =>
      labelView(await send('POST', '/v1/labels', usLabel, { 'idempotency-key': 'parity-ups-1' })),
  },
  {
    name: 'label, FedEx PDF',
    expect: { status: 201, carrier: 'fedex', document: '%PD' },
    run: async (send) =>
      labelView(
        await send(
          'POST',
          '/v1/labels',
          { ...usLabel, carrier: 'fedex', format: 'PDF', reference: 'parity-fedex' },
          { 'idempotency-key': 'parity-fedex-1' },
        ),
      ),
  },
  {
    // UPS prints no PDF: its PNG is placed on a 4 x 6 in page, by the same library in workerd.
    name: 'label, UPS PDF converted from its PNG',
    expect: { status: 201, carrier: 'ups', format: 'PDF', document: '%PD' },
    run: async (send) =>
      labelView(
        await send(
          'POST',
          '/v1/labels',
          { ...usLabel, format: 'PDF', reference: 'parity-ups-pdf' },
          { 'idempotency-key': 'parity-ups-pdf' },
        ),
      ),
  },
  {
    name: 'label, Colissimo PDF',
    expect: { status: 201, carrier: 'colissimo', document: '%PD' },
    run: async (send) =>
      labelView(
        await send(
          'POST',
          '/v1/labels',
          {
            carrier: 'colissimo',
            shipper: ADDRESSES.paris,
            recipient: { ...ADDRESSES.paris, lines: ['5 avenue Anatole France'], postalCode: '75007' },
            parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
            serviceLevel: 'standard',
            format: 'PDF',
            reference: 'parity-colissimo',
            failover: 'never',
          },
          { 'idempotency-key': 'parity-colissimo-1' },
        ),
      ),
  },
  {
    name: 'label replayed with its Idempotency-Key: the first answer, once',
    expect: { first: { status: 201 }, again: { status: 201 }, sameLabel: true },
    run: async (send) => {
      const first = await send(
        'POST',
        '/v1/labels',
        { ...usLabel, reference: 'parity-replay' },
        { 'idempotency-key': 'parity-replay' },
      );
      const again = await send(
        'POST',
        '/v1/labels',
        { ...usLabel, reference: 'parity-replay' },
        { 'idempotency-key': 'parity-replay' },
      );
      return {
        first: labelView(first),
        again: labelView(again),
        sameLabel:
          first.body.trackingNumber === again.body.trackingNumber && first.body.data === again.body.data,
      };
    },
  },
  {
    name: 'label, same Idempotency-Key with another body (conflict)',
    expect: { status: 422, type: '/problems/idempotency-conflict' },
    run: async (send) => {
      await send(
        'POST',
        '/v1/labels',
        { ...usLabel, reference: 'parity-conflict' },
        { 'idempotency-key': 'parity-conflict' },
      );
      return problem(
        await send(
          'POST',
          '/v1/labels',
          { ...usLabel, reference: 'parity-other' },
          { 'idempotency-key': 'parity-conflict' },
        ),
      );
    },
  },
  {
    name: 'label without an Idempotency-Key',
    expect: { status: 400 },
    run: async (send) => problem(await send('POST', '/v1/labels', usLabel)),
  },
  {
    name: 'label in a format the carrier does not offer',
    expect: { status: 422, type: '/problems/unprocessable' },
    run: async (send) =>
      labelView(
        await send(
          'POST',
          '/v1/labels',
          { ...usLabel, carrier: 'fedex', format: 'GIF' },
          { 'idempotency-key': 'parity-format' },
        ),
      ),
  },
  {
    name: 'label for an unknown carrier',
    expect: { status: 404 },
    run: async (send) =>
      labelView(
        await send(
          'POST',
          '/v1/labels',
          { ...usLabel, carrier: 'acme' },
          { 'idempotency-key': 'parity-acme' },
        ),
      ),
  },
  {
    name: 'tracking of a label just bought',
    expect: { status: 200 },
    run: async (send) => {
      const bought = await send(
        'POST',
        '/v1/labels',
        { ...usLabel, reference: 'parity-track' },
        { 'idempotency-key': 'parity-track' },
      );
      const tracked = await send(
        'GET',
        `/v1/tracking/ups/${encodeURIComponent(String(bought.body.trackingNumber))}`,
      );
      const events = (tracked.body.events ?? []) as { status: string; description: string }[];
      return { status: tracked.status, events: events.map((e) => [e.status, e.description]) };
    },
  },
  {
    name: 'the carrier list',
    expect: { status: 200 },
    run: async (send) => {
      const answer = await send('GET', '/v1/carriers');
      const carriers = (answer.body.carriers ?? []) as Record<string, unknown>[];
      return {
        status: answer.status,
        carriers: carriers.map((c) => ({
          id: c.id,
          name: c.name,
          rateSource: c.rateSource,
          labelFormats: c.labelFormats,
          services: c.services,
          fallbacks: c.fallbacks,
          accounts: (c.accounts as Record<string, unknown>[]).map((a) => [a.id, a.environment, a.authMethod]),
        })),
      };
    },
  },
  {
    name: 'no caller key',
    expect: { status: 401, type: '/problems/unauthorized' },
    run: async (send) => problem(await send('GET', '/v1/carriers', undefined, { authorization: '' })),
  },
  {
    name: 'unknown route',
    expect: { status: 404, type: '/problems/not-found' },
    run: async (send) => problem(await send('GET', '/v1/nothing-here')),
  },
  {
    name: 'method not allowed',
    expect: { status: 405, type: '/problems/method-not-allowed' },
    run: async (send) => problem(await send('DELETE', '/v1/rates')),
  },
  {
    name: 'liveness',
    expect: { status: 200 },
    run: async (send) => {
      const a = await send('GET', '/healthz');
      return { status: a.status, contentType: a.contentType };
    },
  },
];

let node: GatewayHarness;
let sandbox: Sandbox;
let worker: WorkerHarness;
let cleanup: () => Promise<void>;
let onNode: Send;
let onWorker: Send;

beforeAll(async () => {
  const built = await buildTestBundle();
  cleanup = built.cleanup;
  // The same carriers, accounts (in the same order) and fallback chains on both runtimes: the
  // accounts whose credentials fit the profile's default method (what the Node harness uses).
  const usesDefault = (carrier: string, secrets: Readonly<Record<string, string>>) => {
    const definition = registry.find((c) => c.id === carrier)!;
    return (definition.auth.credentialFields[definition.auth.default] ?? []).every((f) => f in secrets);
  };
  node = await startGatewayHarness({
    accounts: (carrier, accounts) => accounts.filter((a) => usesDefault(carrier, a.secrets)),
  });
  sandbox = await startSimulators();
  const { config, secrets } = workerConfig(sandbox, {
    carriers: registry.map((c) => c.id),
    accounts: (carrier, accounts) =>
      accounts.filter((a) => usesDefault(carrier, a.secrets)).map((account) => ({ account })),
  });
  worker = await startWorker({ bundle: built.bundle, config, secrets });
  onNode = sender((path, init) => fetch(`${node.url}${path}`, init), node.apiKey);
  onWorker = sender(
    (path, init) =>
      worker.mf.dispatchFetch(`http://gateway.test${path}`, init as never) as unknown as Promise<Response>,
    worker.apiKey,
  );
});

afterAll(async () => {
  await worker?.dispose();
  await sandbox?.close();
  await node?.close();
  await cleanup?.();
});

describe('the same answers on Node and on Workers', () => {
  for (const row of TABLE) {
    it(row.name, async () => {
      const [fromNode, fromWorker] = [await row.run(onNode), await row.run(onWorker)];
      expect(fromNode).toMatchObject(row.expect);
      expect(fromWorker).toEqual(fromNode);
    });
  }
});
