/**
 * The carrier's usual form of an amount or a whole number is only the order in which the
 * union tries its forms: whichever form comes first, the same values are read, to the same
 * result, and the same are refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountWritten, wholeNumberWritten } from '../../src/carrier/wire.ts';

const values = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.stringMatching(/^ ?-?\d{1,6}(\.\d{1,3})? ?$/),
  fc.constantFrom('12,50', 'USD 12', '', ' 7 ', null, undefined, true, {}, [], Number.NaN, 2 ** 60),
);

const outcome = (result: { success: boolean; data?: unknown }) =>
  result.success ? { read: result.data } : { refused: true };

describe('amounts and whole numbers read in the carrier usual form first', () => {
  it.each([
    ['amount', amountWritten],
    ['whole number', wholeNumberWritten],
  ] as const)('%s: the same values read to the same result in either order', (_name, written) => {
    const numberFirst = written('number');
    const stringFirst = written('string');
    fc.assert(
      fc.property(values, (value) => {
        expect(outcome(stringFirst.safeParse(value))).toEqual(outcome(numberFirst.safeParse(value)));
      }),
      { numRuns: 2_000 },
    );
    expect(stringFirst.safeParse(' 12 ').data).toBe(numberFirst.safeParse(' 12 ').data);
  });

  it('an unreadable amount is refused in both orders', () => {
    for (const usually of ['number', 'string'] as const) {
      for (const bad of ['12,50', 'USD 12', Number.NaN, Number.POSITIVE_INFINITY, null])
        expect(amountWritten(usually).safeParse(bad).success).toBe(false);
      expect(amountWritten(usually).safeParse('-12.50').data).toBe('-12.50');
      expect(amountWritten(usually).safeParse(12.5).data).toBe(12.5);
    }
  });
});
