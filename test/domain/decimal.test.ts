/** Exact decimals: what a carrier writes is read digit for digit, whatever its length. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal, roundDecimal } from '../../src/domain/decimal.ts';

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

describe('parseDecimal', () => {
  it('reads -?digits(.digits)? of any length as the integer of its digits and their scale', () => {
    // Short ones (read as one double) and long ones (read through BigInt) alike.
    const decimal = fc.record({
      sign: fc.constantFrom('', '-'),
      whole: digits(1, 30),
      fraction: fc.option(digits(1, 12), { nil: undefined }),
    });
    fc.assert(
      fc.property(decimal, ({ sign, whole, fraction }) => {
        const text = fraction === undefined ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
        const parsed = parseDecimal(` ${text} `);
        expect(parsed.units).toBe(BigInt(`${sign}${whole}${fraction ?? ''}`));
        expect(parsed.scale).toBe(fraction?.length ?? 0);
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps every digit past what a double holds', () => {
    expect(formatDecimal(parseDecimal('1234567890.123456'))).toBe('1234567890.123456');
    expect(formatDecimal(parseDecimal('9007199254740993'))).toBe('9007199254740993');
    expect(parseDecimal('-0.00')).toEqual({ units: 0n, scale: 2 });
  });

  it('refuses what is not a plain decimal, short or long', () => {
    for (const text of [
      '',
      '-',
      '.5',
      '1.',
      '1.2.3',
      '+1',
      '1e3',
      '1 2',
      '--1',
      '12,50',
      `${'1'.repeat(20)}x`,
    ]) {
      expect(() => parseDecimal(text), text).toThrow(RangeError);
    }
  });

  it('reads a number through its shortest form, exponent forms included', () => {
    expect(parseDecimal(12.5)).toEqual({ units: 125n, scale: 1 });
    expect(formatDecimal(parseDecimal(1e-7))).toBe('0.0000001');
    expect(formatDecimal(parseDecimal(1e21))).toBe('1000000000000000000000');
    expect(() => parseDecimal(Number.NaN)).toThrow(RangeError);
  });

  it('rounds with scales past the table of powers of ten', () => {
    expect(formatDecimal(roundDecimal(parseDecimal(`0.${'0'.repeat(29)}5`), 30))).toBe(
      `0.${'0'.repeat(29)}5`,
    );
    expect(formatDecimal(roundDecimal(parseDecimal(`0.${'4'.repeat(30)}`), 2))).toBe('0.44');
    expect(formatDecimal(roundDecimal(parseDecimal('1.005'), 2))).toBe('1.01');
  });
});
