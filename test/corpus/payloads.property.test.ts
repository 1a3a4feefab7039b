/**
 * The payload property over the corpus (issue 16): random nulls and unknown values injected into
 * every recorded success answer of the corpus, replayed through the carrier's real HTTP path with
 * the entry's own call, settings and auxiliary answers, never turn a success into an error, and
 * the money and tracking numbers stay exactly those of the untouched answer. The same machinery
 * runs over each carrier's contract fixtures (test/contract/payloads.property.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriers } from '../../carriers/index.ts';
import type { Json } from '../../src/carrier/contract.ts';
import type { CarrierLabel, CarrierRate } from '../../src/carrier/definition.ts';
import { parseCarrierJson } from '../../src/carrier/json.ts';
import type { Tracking } from '../../src/domain/shipment.ts';
import {
  assertMutationsKeepFacts,
  type Facts,
  labelFacts,
  rateFacts,
  trackingFacts,
} from '../contract/support/mutations.ts';
import { type LoadedEntry, loadCorpus } from './load.ts';
import { type ReplayServer, startReplayServer } from './replay-server.ts';
import { replay } from './run.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The answer's JSON document, or undefined when the recorded body is not JSON (multipart, XML). */
function jsonOf(entry: LoadedEntry): Json | undefined {
  try {
    const json = parseCarrierJson(decoder.decode(entry.response.bytes));
    return json !== null && typeof json === 'object' ? json : undefined;
  } catch {
    return undefined;
  }
}

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(() => server?.close());

/** Replays `body` as the entry's recorded answer; the facts of the success, or the failure thrown. */
async function replayBody(entry: LoadedEntry, body: Json): Promise<Facts> {
  const edited: LoadedEntry = {
    ...entry,
    response: { ...entry.response, bytes: encoder.encode(JSON.stringify(body)) },
  };
  const { outcome } = await replay(edited, server);
  if (!outcome.ok) throw outcome.error;
  switch (entry.entry.call) {
    case 'rate':
      return rateFacts(outcome.value as CarrierRate[]);
    case 'label':
      return labelFacts(outcome.value as CarrierLabel);
    case 'track':
      return trackingFacts(outcome.value as Tracking);
  }
}

/** Recorded successes of one carrier: rate, label and tracking answers the adapter reads as such. */
async function successes(carrierId: string): Promise<{ entry: LoadedEntry; json: Json }[]> {
  const out: { entry: LoadedEntry; json: Json }[] = [];
  for (const entry of loadCorpus().filter((e) => e.carrier.id === carrierId)) {
    if (!['rate', 'label', 'track'].includes(entry.entry.operation)) continue;
    const json = jsonOf(entry);
    if (!json) continue;
    const { outcome } = await replay(entry, server);
    if (outcome.ok) out.push({ entry, json });
  }
  return out;
}

describe.each(carriers.map((c) => [c.id] as const))('corpus payload property: %s', (carrierId) => {
  it('nulls and unknown values in the recorded success answers never turn a success into an error; facts stay exact', async () => {
    const subjects = await successes(carrierId);
    expect(subjects.length, `${carrierId} has recorded JSON success answers`).toBeGreaterThan(0);
    for (const { entry, json } of subjects) {
      await assertMutationsKeepFacts(
        {
          name: entry.id,
          operation: entry.entry.call,
          original: json,
          replay: (body) => replayBody(entry, body),
        },
        15,
      );
    }
  }, 180_000);
});
