/**
 * Property: whatever body arrives (arbitrary JSON, mutated valid requests, truncated text),
 * the answer is never a 5xx, and every refusal is a catalog problem+json.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TYPE_URIS } from '../../src/api/problems.ts';
import { type Harness, jsonPost, startHarness, validLabelRequest, validRateRequest } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ROUTES = ['/v1/rates', '/v1/labels'] as const;

async function post(route: string, body: string): Promise<void> {
  const res = await h.fetch(route, jsonPost(body, { 'Idempotency-Key': crypto.randomUUID() }));
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(PROBLEM_TYPE_URIS).toContain(JSON.parse(text).type);
  }
}

type Json = unknown;

/** Replaces, deletes or adds one member somewhere in a JSON value. */
function mutate(value: Json, path: readonly number[], replacement: Json, op: 'set' | 'delete' | 'add'): Json {
  if (typeof value !== 'object' || value === null) return replacement;
  const entries = Object.entries(value as Record<string, Json>);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const index = (head ?? 0) % entries.length;
  const copy: Record<string, Json> = Array.isArray(value)
    ? ([...value] as unknown as Record<string, Json>)
    : { ...value };
  const [key, child] = entries[index]!;
  if (rest.length === 0 || typeof child !== 'object' || child === null) {
    if (op === 'delete') delete copy[key];
    else if (op === 'add') copy.unexpectedField = replacement;
    else copy[key] = replacement;
  } else {
    copy[key] = mutate(child, rest, replacement, op);
  }
  return copy;
}

describe('malformed bodies never cause a 5xx', () => {
  it('arbitrary JSON values (100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.jsonValue({ maxDepth: 4 }), async (route, value) => {
        await post(route, JSON.stringify(value));
      }),
      { numRuns: 100 },
    );
  });

  it('mutated valid requests and truncated text (100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 4 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('set', 'delete', 'add', 'truncate') as fc.Arbitrary<
          'set' | 'delete' | 'add' | 'truncate'
        >,
        fc.nat(),
        async (route, path, replacement, op, cut) => {
          const valid = route === '/v1/rates' ? validRateRequest() : validLabelRequest();
          const text =
            op === 'truncate'
              ? JSON.stringify(valid).slice(0, cut % JSON.stringify(valid).length)
              : JSON.stringify(mutate(valid, path, replacement, op));
          await post(route, text);
        },
      ),
      { numRuns: 100 },
    );
  });
});
