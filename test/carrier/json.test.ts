/** The kit's JSON reader keeps the digits of identities written as long bare integers. */
import { describe, expect, it } from 'vitest';
import { parseCarrierJson } from '../../src/carrier/json.ts';
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
