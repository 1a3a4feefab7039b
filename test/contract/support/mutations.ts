/**
 * The payload property's machinery, shared by the contract fixtures and the corpus: random
 * nulls and unknown values put into the places of a success answer the facts do not depend on,
 * and the check that the answer stays a success whose money and identities are exactly those of
 * the untouched answer.
 *
 * What may not be touched: the values the facts are read from (tracking numbers, amounts,
 * currencies, service codes, found by value in the answer), what holds them, and the fields
 * beside them that qualify them (a price's rate type, a rate's mail class). Everything else is
 * optional to the adapter: a null there, or a code it does not know, must cost at most that field.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Json } from '../../../src/carrier/contract.ts';
import type { CarrierLabel, CarrierRate } from '../../../src/carrier/definition.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Tracking } from '../../../src/domain/shipment.ts';

type Path = (string | number)[];
type Mutation = { path: Path; kind: 'null' | 'unknown' };

/** What an answer says that must stay exact. */
export interface Facts {
  money: string[];
  ids: string[];
  codes: string[];
}

export const rateFacts = (rates: CarrierRate[]): Facts => ({
  money: rates.map((r) => r.total.amount),
  ids: [],
  codes: rates.map((r) => `${r.service.code} ${r.total.amount} ${r.total.currency}`),
});

export const labelFacts = (label: CarrierLabel): Facts => ({
  money: label.price ? [label.price.amount] : [],
  ids: [label.trackingNumber],
  codes: label.price ? [label.price.currency] : [],
});

export const trackingFacts = (tracking: Tracking): Facts => ({
  money: [],
  ids: [tracking.trackingNumber],
  codes: [],
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

export interface PropertySubject {
  /** For reports. */
  name: string;
  operation: 'rate' | 'label' | 'track';
  /** The untouched answer's JSON document. */
  original: Json;
  /** Replays a JSON document as the answer through the carrier's HTTP path; the facts it reports. */
  replay(body: Json): Promise<Facts>;
}

/**
 * The property over one success answer: mutated answers stay successes whose money and
 * identities are among those of the untouched answer (and, for rates, each service keeps its price).
 */
export async function assertMutationsKeepFacts(subject: PropertySubject, numRuns = 25): Promise<void> {
  const { name, original } = subject;
  const baseline = await subject.replay(structuredClone(original));
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
        got = await subject.replay(body);
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
        throw new Error(`${name}: ${JSON.stringify(chosen)} turned a success into ${detail}`);
      }
      for (const id of got.ids) expect(baseline.ids, name).toContain(id);
      for (const m of got.money) expect(baseline.money, name).toContain(m);
      if (subject.operation === 'rate') for (const c of got.codes) expect(baseline.codes, name).toContain(c);
    }),
    { numRuns },
  );
}
