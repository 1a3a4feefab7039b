/**
 * Reads the corpus: every `carriers/<id>/corpus/*.entry.json` of the carriers in the registry,
 * validated with zod, with the exact body bytes of each served response.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { carriers } from '../../carriers/index.ts';
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { CorpusEntry, type ServedResponse } from './schema.ts';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A served response with its body read from disk. */
export interface LoadedResponse extends ServedResponse {
  bytes: Uint8Array;
}

export interface LoadedEntry {
  carrier: CarrierDefinition;
  /** `<carrier>/<file name without .entry.json>` */
  id: string;
  entry: CorpusEntry;
  response: LoadedResponse;
  auxiliary: LoadedResponse[];
}

const ENTRY_SUFFIX = '.entry.json';

function readBody(dir: string, response: ServedResponse, owner: string): LoadedResponse {
  const path = join(dir, response.body);
  if (!existsSync(path)) throw new Error(`${owner}: body file '${response.body}' is missing`);
  return { ...response, bytes: new Uint8Array(readFileSync(path)) };
}

export function corpusDir(carrierId: string): string {
  return join(REPOSITORY_ROOT, 'carriers', carrierId, 'corpus');
}

/** Every entry of every registered carrier, in a stable order. Throws on the first invalid entry. */
export function loadCorpus(): LoadedEntry[] {
  const loaded: LoadedEntry[] = [];
  for (const carrier of carriers) {
    const dir = corpusDir(carrier.id);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(ENTRY_SUFFIX))
      .sort();
    for (const file of files) {
      const id = `${carrier.id}/${file.slice(0, -ENTRY_SUFFIX.length)}`;
      const parsed = CorpusEntry.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`${id}: invalid corpus entry: ${parsed.error.message}`);
      const entry = parsed.data;
      loaded.push({
        carrier,
        id,
        entry,
        response: readBody(dir, entry.response, id),
        auxiliary: entry.auxiliary.map((aux) => readBody(dir, aux, id)),
      });
    }
  }
  return loaded;
}
