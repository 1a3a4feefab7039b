/**
 * The carrier contract suite: every carrier in carriers/index.ts, over real HTTP, through the
 * same scenarios, at two layers: the carrier definition called directly (failure class, send
 * outcome, exact money and tracking numbers) and the gateway's API (problem type). Simulator
 * fault injection covers what it can; the scripted proxy edits real answers for the rest, with
 * the edits each carrier folder exports in `contract.ts`. A new carrier gets the suite for free.
 *
 * The rule, whichever carrier: throttling is `throttled` with the carrier's Retry-After; an HTML
 * 5xx page is `unavailable`; an unreadable 2xx is `malformed`; after a label request was sent
 * every doubt is `ambiguous` (label-outcome-unknown at the API); nulls and unknown codes never
 * turn a success into an error; a label answer without a document is still a bought label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers as registry } from '../../carriers/index.ts';
import type { FaultSpec } from '../../sandbox/kit/types.ts';
import type { CarrierContract } from '../../src/carrier/contract.ts';
import type {
  CarrierDefinition,
  CarrierLabel,
  CarrierLabelRequest,
  CarrierRate,
} from '../../src/carrier/definition.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { serviceByCode } from '../../src/gateway/services.ts';
import { apiAccount, type ContractWorld, type Scenario, startContractWorld } from './support/world.ts';

type Problem = {
  type?: string;
  class?: string;
  messages?: { carrier: string; class: string }[];
  missingDocument?: unknown;
};

const messageOf = (api: { body: Problem }, carrier: CarrierDefinition) =>
  api.body.messages?.find((m) => m.carrier === carrier.id);

let world: ContractWorld;
beforeAll(async () => {
  world = await startContractWorld();
});
afterAll(async () => {
  await world?.close();
});

const contractOf = (carrier: CarrierDefinition): CarrierContract => {
  const contract = world.contracts.get(carrier.id);
  if (!contract) throw new Error(`carriers/${carrier.id}/contract.ts exports no contract`);
  return contract;
};

/** Whether the carrier's default auth method has a token endpoint (OAuth) or sends static credentials. */
const tokenPathOf = (carrier: CarrierDefinition): string | undefined => {
  const method = carrier.auth.methods[carrier.auth.default];
  return method && 'tokenPath' in method ? method.tokenPath : undefined;
};

function labelRequest(carrier: CarrierDefinition, contract: CarrierContract): CarrierLabelRequest {
  const route = { from: contract.label.shipper.countryCode, to: contract.label.recipient.countryCode };
  const service = serviceByCode(carrier, contract.label.service, route);
  if (!service) throw new Error(`${carrier.id} has no service ${contract.label.service}`);
  const { service: _code, ...rest } = contract.label;
  return { ...rest, service, reference: `contract-${crypto.randomUUID().slice(0, 8)}` };
}

async function refusal(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarrierError) return error;
    throw error;
  }
  throw new Error('expected a classified failure');
}

const inject = (carrier: CarrierDefinition, spec: Omit<FaultSpec, 'carrier'>) =>
  world.gateway.control.injectFault({ carrier: carrier.id, count: 1, ...spec });

function apiLabel(carrier: CarrierDefinition, contract: CarrierContract, scenario: Scenario, w = world) {
  const { service, ...label } = contract.label;
  return w.gateway.request<Problem & { data?: string; trackingNumber?: string }>(
    'POST',
    '/v1/labels',
    { carrier: carrier.id, account: apiAccount(scenario), service, ...label, failover: 'never' },
    { 'idempotency-key': `contract-${carrier.id}-${scenario}-${crypto.randomUUID()}` },
  );
}

const apiRates = (carrier: CarrierDefinition, contract: CarrierContract) =>
  world.gateway.request<Problem & { rates?: { service: { code: string }; total: unknown }[] }>(
    'POST',
    '/v1/rates',
    {
      ...contract.rate,
      carriers: [carrier.id],
    },
  );

/** Tracking numbers the simulator really created: a label's number must be one of them. */
async function created(carrier: CarrierDefinition): Promise<Set<string>> {
  return new Set((await world.gateway.control.labels(carrier.id)).map((l) => l.trackingNumber));
}

const totals = (rates: readonly CarrierRate[]) => new Map(rates.map((r) => [r.service.code, r.total]));

describe.each(registry.map((c) => [c.id, c] as const))('contract: %s', (_id, carrier) => {
  let contract: CarrierContract;
  let baseline: CarrierLabel;
  let baselineRates: CarrierRate[] | undefined;
  const wire = () => contract.wire;

  beforeAll(async () => {
    contract = contractOf(carrier);
    world.proxy.clear();
    baseline = await carrier.createLabel(world.context(carrier, 'baseline'), labelRequest(carrier, contract));
    if (contract.rate) baselineRates = await carrier.rate(world.context(carrier, 'baseline'), contract.rate);
  });

  it('baseline: a label and, for live rates, a quote over HTTP', async () => {
    expect((await created(carrier)).has(baseline.trackingNumber)).toBe(true);
    expect(baseline.document?.length).toBeGreaterThan(0);
    if (carrier.rateSource === 'live') {
      expect(contract.rate).toBeDefined();
      expect(baselineRates?.length).toBeGreaterThan(0);
    } else {
      // A rate table: nothing on the wire to break.
      expect(contract.wire.rate).toBeUndefined();
    }
  });

  it('throttled (429 with Retry-After): throttled, nothing bought, Retry-After kept', async () => {
    const spec = {
      target: 'api' as const,
      endpoint: wire().label.fault,
      kind: 'throttled' as const,
      params: { retryAfter: 7 },
    };
    await inject(carrier, spec);
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'throttled'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({ failureClass: 'throttled', outcome: 'rejected', retryAfterMs: 7_000 });
    await inject(carrier, spec);
    const api = await apiLabel(carrier, contract, 'throttled');
    expect(api.body.type).toMatch(/\/carrier-throttled$/);
    expect(api.headers.get('retry-after')).toBe('7');
  });

  it('throttled (429 without Retry-After): throttled, no invented delay', async () => {
    const spec = {
      target: 'api' as const,
      endpoint: wire().label.fault,
      kind: 'throttled' as const,
      params: { retryAfterFormat: 'none' as const },
    };
    await inject(carrier, spec);
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'throttled-bare'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({ failureClass: 'throttled', outcome: 'rejected', retryAfterMs: undefined });
    await inject(carrier, spec);
    const api = await apiLabel(carrier, contract, 'throttled-bare');
    expect(api.body.type).toMatch(/\/carrier-throttled$/);
    expect(api.headers.get('retry-after')).toBeNull();
  });

  it('HTML 5xx page on a label: unavailable, outcome unknown (label-outcome-unknown)', async () => {
    const spec = {
      target: 'api' as const,
      endpoint: wire().label.fault,
      kind: 'html_error' as const,
      params: { status: 503 },
    };
    await inject(carrier, spec);
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'html-5xx'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({ failureClass: 'unavailable', outcome: 'ambiguous', status: 503 });
    await inject(carrier, spec);
    expect((await apiLabel(carrier, contract, 'html-5xx')).body.type).toMatch(/\/label-outcome-unknown$/);
  });

  it('unreadable 2xx on a label: malformed, outcome unknown (label-outcome-unknown)', async () => {
    const spec = { target: 'api' as const, endpoint: wire().label.fault, kind: 'malformed_json' as const };
    await inject(carrier, spec);
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'unreadable-2xx'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({
      failureClass: 'malformed',
      outcome: 'ambiguous',
      code: 'UNREADABLE_RESPONSE',
    });
    await inject(carrier, spec);
    expect((await apiLabel(carrier, contract, 'unreadable-2xx')).body.type).toMatch(
      /\/label-outcome-unknown$/,
    );
  });

  it('nulls in optional places: the label is bought, its tracking number and price exact', async () => {
    const script = {
      carrier: carrier.id,
      method: wire().label.method,
      path: wire().label.path,
      edit: contract.edits.nulls.label,
    };
    world.proxy.script(script);
    const label = await carrier.createLabel(world.context(carrier, 'nulls'), labelRequest(carrier, contract));
    expect((await created(carrier)).has(label.trackingNumber)).toBe(true);
    expect(label.price).toEqual(baseline.price);
    expect(label.document?.length).toBeGreaterThan(0);
    world.proxy.script(script);
    const api = await apiLabel(carrier, contract, 'nulls');
    expect(api.status, JSON.stringify(api.body)).toBe(201);
    expect((await created(carrier)).has(String(api.body.trackingNumber))).toBe(true);
  });

  it('a label answer without a document: bought, with its tracking number, the document said missing', async () => {
    const script = {
      carrier: carrier.id,
      method: wire().label.method,
      path: wire().label.path,
      edit: contract.edits.withoutDocument,
    };
    world.proxy.script(script);
    const label = await carrier.createLabel(
      world.context(carrier, 'no-document'),
      labelRequest(carrier, contract),
    );
    expect((await created(carrier)).has(label.trackingNumber)).toBe(true);
    expect(label.price).toEqual(baseline.price);
    expect(label.document).toBeUndefined();
    expect(label.missingDocument?.reason).toBe('missing');
    world.proxy.script(script);
    const api = await apiLabel(carrier, contract, 'no-document');
    expect(api.status, JSON.stringify(api.body)).toBe(201);
    expect(api.body.data).toBeUndefined();
    expect(api.body.missingDocument).toMatchObject({ reason: 'missing' });
  });

  it('token expired on use: one forced refresh then success (OAuth); static credentials refused are misconfigured', async () => {
    const spec = { target: 'api' as const, endpoint: wire().label.fault, kind: 'unauthorized' as const };
    const ctx = world.context(carrier, 'token-expired');
    if (tokenPathOf(carrier)) {
      await carrier.createLabel(ctx, labelRequest(carrier, contract));
      const before = await world.gateway.control.stats(carrier.id);
      await inject(carrier, spec);
      const label = await carrier.createLabel(ctx, labelRequest(carrier, contract));
      expect((await created(carrier)).has(label.trackingNumber)).toBe(true);
      const after = await world.gateway.control.stats(carrier.id);
      const calls = (s: typeof before) => Object.values(s.tokenCalls).reduce((a, b) => a + b, 0);
      expect(calls(after)).toBeGreaterThan(calls(before));
      await inject(carrier, spec);
      expect((await apiLabel(carrier, contract, 'token-expired')).status).toBe(201);
    } else {
      await inject(carrier, spec);
      const error = await refusal(carrier.createLabel(ctx, labelRequest(carrier, contract)));
      expect(error).toMatchObject({ failureClass: 'misconfigured', outcome: 'rejected', auth: true });
      await inject(carrier, spec);
      expect((await apiLabel(carrier, contract, 'token-expired')).body.type).toMatch(
        /\/carrier-auth-failed$/,
      );
    }
  });

  it("token endpoint error body: misconfigured, nothing sent, the carrier's own text kept", async () => {
    const tokenPath = tokenPathOf(carrier);
    if (!tokenPath) {
      // Static credentials on every call: there is no token endpoint to answer an error body.
      expect(Object.values(carrier.auth.methods).some((m) => m && 'tokenPath' in m)).toBe(false);
      return;
    }
    await inject(carrier, { target: 'token', kind: 'invalid_client' });
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'token-error-body'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({ failureClass: 'misconfigured', outcome: 'not_sent', auth: true });
    const answer = world.proxy.lastAnswer(carrier.id, new RegExp(`^${tokenPath.replaceAll('/', '\\/')}$`));
    const said = JSON.stringify(JSON.parse(new TextDecoder().decode(answer?.body ?? new Uint8Array()))).match(
      /"(?:message|error_description|detail|messageContent)":"([^"]{6,})"/,
    )?.[1];
    expect(said, 'the token answer carries a text').toBeDefined();
    expect(error.message).toContain(said);
    await inject(carrier, { target: 'token', kind: 'invalid_client' });
    expect((await apiLabel(carrier, contract, 'token-error-body')).body.type).toMatch(
      /\/carrier-auth-failed$/,
    );
  });

  it('invalid credentials: misconfigured, an auth failure, nothing bought', async () => {
    const before = (await world.gateway.control.stats(carrier.id)).labelsCreated;
    const error = await refusal(
      carrier.createLabel(world.context(carrier, 'invalid-credentials'), labelRequest(carrier, contract)),
    );
    expect(error).toMatchObject({
      failureClass: 'misconfigured',
      auth: true,
      outcome: tokenPathOf(carrier) ? 'not_sent' : 'rejected',
    });
    expect((await apiLabel(carrier, contract, 'invalid-credentials')).body.type).toMatch(
      /\/carrier-auth-failed$/,
    );
    expect((await world.gateway.control.stats(carrier.id)).labelsCreated).toBe(before);
  });

  it('timeout after the request was sent: unavailable, outcome unknown, the label exists', async () => {
    const before = (await world.gateway.control.stats(carrier.id)).labelsCreated;
    await inject(carrier, { target: 'api', endpoint: wire().label.fault, kind: 'hang_after_processing' });
    const error = await refusal(
      carrier.createLabel(
        world.context(carrier, 'timeout', { timeoutMs: 1_500 }),
        labelRequest(carrier, contract),
      ),
    );
    expect(error).toMatchObject({ failureClass: 'unavailable', outcome: 'ambiguous', code: 'timeout' });
    expect((await world.gateway.control.stats(carrier.id)).labelsCreated).toBe(before + 1);
  });

  // A rate table puts nothing on the wire (asserted by the baseline test): only live quotes run these.
  if (carrier.rateSource !== 'live') return;
  describe('rates on the wire', () => {
    const rateOp = () => {
      const op = contract.wire.rate;
      if (!op || !contract.rate) throw new Error(`${carrier.id} quotes live but its contract has no rate`);
      return { op, request: contract.rate };
    };

    it('HTML 5xx page on a quote: unavailable', async () => {
      const { op, request } = rateOp();
      const spec = {
        target: 'api' as const,
        endpoint: op.fault,
        kind: 'html_error' as const,
        params: { status: 503 },
      };
      await inject(carrier, spec);
      expect(await refusal(carrier.rate(world.context(carrier, 'rate-html-5xx'), request))).toMatchObject({
        failureClass: 'unavailable',
      });
      await inject(carrier, spec);
      // The API may quote with a fallback carrier instead; this carrier's message says why it did not.
      expect(messageOf(await apiRates(carrier, contract), carrier)?.class).toBe('unavailable');
    });

    it('unreadable 2xx on a quote: malformed', async () => {
      const { op, request } = rateOp();
      const spec = { target: 'api' as const, endpoint: op.fault, kind: 'malformed_json' as const };
      await inject(carrier, spec);
      expect(
        await refusal(carrier.rate(world.context(carrier, 'rate-unreadable-2xx'), request)),
      ).toMatchObject({
        failureClass: 'malformed',
        code: 'UNREADABLE_RESPONSE',
      });
      await inject(carrier, spec);
      expect(messageOf(await apiRates(carrier, contract), carrier)?.class).toBe('malformed');
    });

    it('nulls in optional places: every rate kept, every price exact', async () => {
      const { op, request } = rateOp();
      const edit = contract.edits.nulls.rate;
      expect(edit, 'a live carrier gives a rate nulls edit').toBeDefined();
      const script = {
        carrier: carrier.id,
        method: op.method,
        path: op.path,
        edit: edit!,
        count: request.parcels.length,
      };
      world.proxy.script(script);
      const rates = await carrier.rate(world.context(carrier, 'nulls'), request);
      expect(totals(rates)).toEqual(totals(baselineRates ?? []));
      world.proxy.script(script);
      const api = await apiRates(carrier, contract);
      expect(api.status).toBe(200);
      expect(api.body.rates?.length).toBe(baselineRates?.length);
    });

    it('an unknown service code: still a success, the known prices exact, the unknown one never passed off as known', async () => {
      const { op, request } = rateOp();
      const unknown = contract.edits.unknownService;
      expect(unknown, 'a live carrier gives an unknown-service edit').toBeDefined();
      const script = {
        carrier: carrier.id,
        method: op.method,
        path: op.path,
        edit: unknown!.edit,
        count: request.parcels.length,
      };
      world.proxy.script(script);
      const rates = await carrier.rate(world.context(carrier, 'unknown-service'), request);
      const expected = totals(baselineRates ?? []);
      const known = rates.filter((r) => r.service.code !== unknown!.code);
      expect(known.length).toBeGreaterThanOrEqual(expected.size - 1);
      for (const rate of known) expect(rate.total).toEqual(expected.get(rate.service.code));
      for (const rate of rates.filter((r) => r.service.code === unknown!.code)) {
        expect(rate.warnings?.some((w) => w.includes(unknown!.code))).toBe(true);
      }
      world.proxy.script(script);
      expect((await apiRates(carrier, contract)).status).toBe(200);
    });
  });
});

describe('contract: timeout after the request was sent, at the API', () => {
  let slow: ContractWorld;
  beforeAll(async () => {
    slow = await startContractWorld({ timeoutMs: 1_500 });
  });
  afterAll(async () => {
    await slow?.close();
  });

  it.each(registry.map((c) => [c.id, c] as const))('%s: label-outcome-unknown', async (_id, carrier) => {
    const contract = slow.contracts.get(carrier.id) as CarrierContract;
    await slow.gateway.control.injectFault({
      carrier: carrier.id,
      target: 'api',
      endpoint: contract.wire.label.fault,
      kind: 'hang_after_processing',
      count: 1,
    });
    const api = await apiLabel(carrier, contract, 'timeout', slow);
    expect(api.body.type).toMatch(/\/label-outcome-unknown$/);
  });
});
