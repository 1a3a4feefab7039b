/** Metric attributes are built once per combination and handed out again, frozen; a flood empties the cache. */
import { describe, expect, it } from 'vitest';
import { attributeCache } from '../../src/telemetry/attribute-cache.ts';
import { safeAttributes } from '../../src/telemetry/redact.ts';

describe('attribute cache', () => {
  it('returns the same frozen object for the same values, another for other values', () => {
    let built = 0;
    const attrs = attributeCache((a, b, c, d, e) => {
      built += 1;
      return {
        a: a as string,
        b: b as number,
        ...(c ? { c } : {}),
        ...(d ? { d } : {}),
        ...(e ? { e } : {}),
      };
    });
    const one = attrs('POST', 200, 'ups', undefined, undefined);
    expect(attrs('POST', 200, 'ups', undefined, undefined)).toBe(one);
    expect(one).toEqual({ a: 'POST', b: 200, c: 'ups' });
    expect(Object.isFrozen(one)).toBe(true);
    expect(attrs('POST', 500, 'ups', undefined, '500')).toEqual({ a: 'POST', b: 500, c: 'ups', e: '500' });
    expect(built).toBe(2);
    // Redaction hands an attribute object that needs no change back as it is: no copy per record.
    expect(safeAttributes(one)).toBe(one);
  });

  it('is bounded: past its size it starts again', () => {
    const attrs = attributeCache((a) => ({ a: a as number }), 10);
    const first = attrs(0, 0, 0, 0, 0);
    for (let i = 1; i <= 10; i++) attrs(i, 0, 0, 0, 0);
    expect(attrs(0, 0, 0, 0, 0)).not.toBe(first);
    expect(attrs(0, 0, 0, 0, 0)).toEqual({ a: 0 });
  });
});
