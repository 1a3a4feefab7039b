/** The kit's JSON reader keeps the digits of identities written as long bare integers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readBody } from '../../src/carrier/body.ts';
import { holdsLongDigitRun, parseCarrierJson, parsedWithoutNull } from '../../src/carrier/json.ts';
import { identity } from '../../src/carrier/wire.ts';

describe('parseCarrierJson', () => {
  it('keeps an integer past 2^53 as the digits written (a DHL shipment number of 18 digits)', () => {
    const body = '{"items":[{"shipmentNo":340434310428091700,"n":340434310428091699}]}';
    // What JSON.parse would make of it: another number.
    expect(String((JSON.parse(body) as { items: { n: number }[] }).items[0]?.n)).not.toBe(
      '340434310428091699',
    );
    const parsed = parseCarrierJson(body) as { items: Record<string, unknown>[] };
    expect(parsed.items[0]).toEqual({ shipmentNo: '340434310428091700', n: '340434310428091699' });
    expect(identity.parse(parsed.items[0]?.n)).toBe('340434310428091699');
  });

  it('leaves every other value as JSON.parse reads it', () => {
    const body = '{"a":9007199254740991,"b":-12,"c":10.99,"d":1e21,"e":"x","f":null,"g":[true,0.1]}';
    expect(parseCarrierJson(body)).toEqual(JSON.parse(body));
  });

  it('reads a body behind a byte order mark, and throws on text that is not JSON', () => {
    expect(parseCarrierJson('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(() => parseCarrierJson('<html>')).toThrow(SyntaxError);
  });
});

describe('parseCarrierJson without long digit runs', () => {
  it('parses like JSON.parse when no 16-digit run exists, and keeps exact digits when one does', () => {
    const plain = '{"a":123456789012345,"b":-1.5e300,"c":"x","d":[1,2,3],"e":900719925474099}';
    expect(parseCarrierJson(plain)).toEqual(JSON.parse(plain));
    expect(parseCarrierJson('{"n":9007199254740993}')).toEqual({ n: '9007199254740993' });
    expect(parseCarrierJson('{"s":"1234567890123456","n":12345678901234567890}')).toEqual({
      s: '1234567890123456',
      n: '12345678901234567890',
    });
  });
});

describe('holdsLongDigitRun', () => {
  it('finds a run of 16 digits exactly where /\\d{16}/ does, wherever it starts and ends', () => {
    // Mostly digits, so runs of every length near 16 and at every offset occur.
    const text = fc.string({ unit: fc.constantFrom('0', '5', '9', '0', '7', '.', ' ', 'a'), maxLength: 120 });
    fc.assert(
      fc.property(text, (t) => holdsLongDigitRun(t) === /\d{16}/.test(t)),
      { numRuns: 5_000 },
    );
    for (let offset = 0; offset < 40; offset++) {
      const pad = 'x'.repeat(offset);
      expect(holdsLongDigitRun(`${pad}${'1'.repeat(16)}`)).toBe(true);
      expect(holdsLongDigitRun(`${pad}${'1'.repeat(15)}x${'1'.repeat(15)}`)).toBe(false);
    }
  });
});

describe('answers parsed from a text without null', () => {
  it('are marked so the tolerant reader skips its scan; a null anywhere, or the word in a string, is not', () => {
    expect(parsedWithoutNull(parseCarrierJson('{"a":{"b":[1,2]}}'))).toBe(true);
    expect(parsedWithoutNull(parseCarrierJson('{"a":{"b":[1,null]}}'))).toBe(false);
    expect(parsedWithoutNull(parseCarrierJson('{"note":"nullable"}'))).toBe(false);
    expect(parsedWithoutNull(JSON.parse('{"a":1}'))).toBe(false);
    expect(parsedWithoutNull(parseCarrierJson('12'))).toBe(false);
  });

  it('a null deep in a parsed answer is still left out by readBody', () => {
    const Body = z.object({ list: z.array(z.object({ n: z.number().optional() })) });
    const read = readBody(Body, parseCarrierJson('{"list":[{"n":1},null,{"n":null}]}'));
    expect(read.value).toEqual({ list: [{ n: 1 }, {}] });
    expect(read.warnings).toEqual(['list[1] is null; left out']);
    const plain = readBody(Body, parseCarrierJson('{"list":[{"n":1}]}'));
    expect(plain).toEqual({ value: { list: [{ n: 1 }] }, warnings: [] });
  });
});
