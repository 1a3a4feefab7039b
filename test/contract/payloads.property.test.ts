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
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers as registry } from '../../carriers/index.ts';
import { bodyJson, type Json, type SuccessFixture } from '../../src/carrier/contract.ts';
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { CarrierError } from '../../src/domain/failure.ts';
import { serviceByCode } from '../../src/gateway/services.ts';
import { adapterAccount, type ContractWorld, startContractWorld } from './support/world.ts';

type Path = (string | number)[];
type Mutation = { path: Path; kind: 'null' | 'unknown' };

/** What an answer says that must stay exact. */
interface Facts {
  money: string[];
  ids: string[];
  codes: string[];
}

let world: ContractWorld;
beforeAll(async () => {
  world = await startContractWorld();
});
afterAll(async () => {
  await world?.close();
});

function leaves(json: Json, at: Path = [], out: { path: Path; value: unknown }[] = []) {
  if (json !== null && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) leaves(v, [...at, Array.isArray(json) ? Number(k) : k], out);
  } else out.push({ path: at, value: json });
  return out;
}

const key = (p: Path) => p.join('\u0000');

/** Whether the untouched answer carries this code itself (the carrier's own verdict). */
const saidInAnswer = (original: Json, code: string | undefined): boolean =>
  code !== undefined && leaves(original).some((l) => l.value === code);

function set(json: Json, path: Path, value: unknown): void {
  let node = json;
  for (const step of path.slice(0, -1)) node = node[step];
  node[path.at(-1) as string] = value;
}

/** Paths the facts are read from, their holders and the fields beside them. */
function protectedPaths(json: Json, facts: Facts): Set<string> {
  const values = new Set([...facts.ids, ...facts.codes]);
  const amounts = new Set(facts.money.flatMap((m) => [m, String(Number(m))]));
  const all = leaves(json);
  const hit = all.filter(
    ({ value }) =>
      (typeof value === 'string' && (values.has(value.trim()) || amounts.has(value.trim()))) ||
      (typeof value === 'number' && (amounts.has(String(value)) || values.has(String(value)))),
  );
  const out = new Set<string>();
  const byHolder = new Map<string, Path[]>();
  for (const leaf of all) {
    const holder = key(leaf.path.slice(0, -1));
    byHolder.set(holder, [...(byHolder.get(holder) ?? []), leaf.path]);
  }
  for (const { path } of hit) {
    for (let i = 0; i <= path.length; i++) out.add(key(path.slice(0, i)));
    // Siblings qualify the value (its currency, its rate type, its mail class).
    for (const sibling of byHolder.get(key(path.slice(0, -1))) ?? []) out.add(key(sibling));
  }
  return out;
}

/** Every path of the answer that the facts do not depend on. */
function openPaths(json: Json, guarded: Set<string>): Path[] {
  const seen = new Set<string>();
  const open: Path[] = [];
  for (const leaf of leaves(json)) {
    for (let i = 1; i <= leaf.path.length; i++) {
      const path = leaf.path.slice(0, i);
      const k = key(path);
      if (seen.has(k) || guarded.has(k)) continue;
      seen.add(k);
      open.push(path);
    }
  }
  return open;
}

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
    const rates = await carrier.rate(ctx, contract.rate);
    return {
      money: rates.map((r) => r.total.amount),
      ids: [],
      codes: rates.map((r) => `${r.service.code} ${r.total.amount} ${r.total.currency}`),
    };
  }
  if (fixture.operation === 'label') {
    const label = await carrier.createLabel(ctx, labelRequest(carrier, fixture));
    return {
      money: label.price ? [label.price.amount] : [],
      ids: [label.trackingNumber],
      codes: label.price ? [label.price.currency] : [],
    };
  }
  const tracking = await carrier.track(ctx, fixture.trackingNumber ?? '');
  return { money: [], ids: [tracking.trackingNumber], codes: [] };
}

async function check(carrier: CarrierDefinition, fixture: SuccessFixture): Promise<void> {
  const original = (fixture.json ?? bodyJson).read(fixture.answer());
  const baseline = await replay(carrier, fixture, structuredClone(original));
  const facts: Facts = {
    money: baseline.money,
    ids: baseline.ids,
    codes: baseline.codes.flatMap((c) => c.split(' ')).filter((c) => !baseline.money.includes(c)),
  };
  const open = openPaths(original, protectedPaths(original, facts));
  if (open.length === 0) return;
  const mutation = fc.record({
    path: fc.constantFrom(...open),
    kind: fc.constantFrom<'null' | 'unknown'>('null', 'unknown'),
  });
  const mutations = fc.uniqueArray(mutation, { minLength: 1, maxLength: 6, selector: (m) => key(m.path) });
  await fc.assert(
    fc.asyncProperty(mutations, async (chosen: Mutation[]) => {
      const body = structuredClone(original);
      for (const m of chosen) {
        try {
          set(body, m.path, m.kind === 'null' ? null : 'ZZ_NOT_A_KNOWN_VALUE');
        } catch {
          // An earlier mutation removed the holder: nothing left to change.
        }
      }
      let got: Facts;
      try {
        got = await replay(carrier, fixture, body);
      } catch (error) {
        // A verdict the carrier itself wrote in the answer (an error entry beside the data) may
        // stand once the data around it is gone; anything else is the adapter failing.
        if (
          error instanceof CarrierError &&
          error.failureClass === 'rejected' &&
          saidInAnswer(original, error.code)
        )
          return;
        const detail =
          error instanceof CarrierError ? `${error.failureClass}: ${error.message}` : String(error);
        throw new Error(`${fixture.name}: ${JSON.stringify(chosen)} turned a success into ${detail}`);
      }
      for (const id of got.ids) expect(baseline.ids, fixture.name).toContain(id);
      for (const m of got.money) expect(baseline.money, fixture.name).toContain(m);
      if (fixture.operation === 'rate')
        for (const c of got.codes) expect(baseline.codes, fixture.name).toContain(c);
    }),
    { numRuns: 25 },
  );
}

describe.each(registry.map((c) => [c.id, c] as const))('payload property: %s', (_id, carrier) => {
  it('nulls and unknown values in optional places never turn a success into an error; facts stay exact', async () => {
    const contract = world.contracts.get(carrier.id)!;
    expect(contract.fixtures.length, 'every carrier gives success fixtures').toBeGreaterThan(0);
    for (const fixture of contract.fixtures) await check(carrier, fixture);
  });
});
