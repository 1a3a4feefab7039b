/**
 * Property (fast-check): random nulls and unknown enum values injected into the success answers
 * of every registered carrier's fixtures (carriers/<id>/contract.ts `fixtures`), replayed through
 * the carrier's real HTTP path, never turn a success into an error, and the money and tracking
 * numbers the adapter reports stay exactly those of the untouched answer.
 *
 * What may not be touched: the values the facts are read from (tracking numbers, amounts,
 * currencies, service codes, found by value in the answer), what holds them, and the fields
 * beside them that qualify them (a price's rate type, a rate's mail class). Everything else is
 * optional to the adapter: a null there, or a code it does not know, must cost at most that field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers as registry } from '../../carriers/index.ts';
import { bodyJson, type Json, type SuccessFixture } from '../../src/carrier/contract.ts';
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { serviceByCode } from '../../src/gateway/services.ts';
import {
  assertMutationsKeepFacts,
  type Facts,
  labelFacts,
  rateFacts,
  trackingFacts,
} from './support/mutations.ts';
import { adapterAccount, type ContractWorld, startContractWorld } from './support/world.ts';

let world: ContractWorld;
beforeAll(async () => {
  world = await startContractWorld();
});
afterAll(async () => {
  await world?.close();
});

function labelRequest(carrier: CarrierDefinition, fixture: SuccessFixture) {
  const contract = world.contracts.get(carrier.id)!;
  const route = { from: contract.label.shipper.countryCode, to: contract.label.recipient.countryCode };
  const { service, ...label } = contract.label;
  return {
    ...label,
    service: serviceByCode(carrier, service, route)!,
    reference: `prop-${fixture.name.length}`,
  };
}

/** Replays `body` as the fixture's answer through the carrier's HTTP path; the facts it reports. */
async function replay(carrier: CarrierDefinition, fixture: SuccessFixture, body: Json): Promise<Facts> {
  const contract = world.contracts.get(carrier.id)!;
  const op = contract.wire[fixture.operation];
  if (!op) throw new Error(`${carrier.id} contract has no wire ${fixture.operation}`);
  const answer = (fixture.json ?? bodyJson).write(fixture.answer(), body);
  Object.assign(world.account(carrier.id, adapterAccount('nulls')).settings, fixture.settings ?? {});
  world.proxy.clear();
  world.proxy.script({
    carrier: carrier.id,
    method: op.method,
    path: op.path,
    count: fixture.operation === 'rate' ? 8 : 1,
    standalone: true,
    edit: () => answer,
  });
  const ctx = world.context(carrier, 'nulls');
  if (fixture.operation === 'rate') {
    if (!contract.rate) throw new Error(`${carrier.id} gives a rate fixture but no rate request`);
    return rateFacts(await carrier.rate(ctx, contract.rate));
  }
  if (fixture.operation === 'label') {
    return labelFacts(await carrier.createLabel(ctx, labelRequest(carrier, fixture)));
  }
  return trackingFacts(await carrier.track(ctx, fixture.trackingNumber ?? ''));
}

function check(carrier: CarrierDefinition, fixture: SuccessFixture): Promise<void> {
  return assertMutationsKeepFacts({
    name: fixture.name,
    operation: fixture.operation,
    original: (fixture.json ?? bodyJson).read(fixture.answer()),
    replay: (body) => replay(carrier, fixture, body),
  });
}

describe.each(registry.map((c) => [c.id, c] as const))('payload property: %s', (_id, carrier) => {
  it('nulls and unknown values in optional places never turn a success into an error; facts stay exact', async () => {
    const contract = world.contracts.get(carrier.id)!;
    expect(contract.fixtures.length, 'every carrier gives success fixtures').toBeGreaterThan(0);
    for (const fixture of contract.fixtures) await check(carrier, fixture);
  });
});
