/** The tolerant reading rule of the carrier kit: nulls, unreadable fields, unknown enums, strict money and ids. */
import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { readBody, UnreadableBodyError, withoutNulls } from '../../src/carrier/body.ts';
import { amount, currency, identity, list, openEnum, optionalList, text } from '../../src/carrier/wire.ts';

const Charge = z.object({ CurrencyCode: currency, MonetaryValue: amount });
const Rated = z.object({
  Service: z.object({ Code: text, Description: text.optional() }),
  TotalCharges: Charge,
  NegotiatedRateCharges: z.object({ TotalCharge: Charge }).optional(),
  ItemizedCharges: optionalList(Charge.extend({ Code: text })),
  Kind: openEnum('rate kind', ['LIST', 'ACCOUNT']).optional(),
});
const Body = z.object({ RateResponse: z.object({ RatedShipment: list(Rated, { min: 1 }) }) });

const rated = (code: string, value: unknown = '9.45') => ({
  Service: { Code: code },
  TotalCharges: { CurrencyCode: 'USD', MonetaryValue: value },
});

describe('readBody', () => {
  it('treats null as absent, in objects and in lists', () => {
    expect(withoutNulls({ a: null, b: [1, null, { c: null, d: 2 }] })).toEqual({ b: [1, { d: 2 }] });
    const read = readBody(Body, {
      RateResponse: { RatedShipment: { ...rated('03'), ItemizedCharges: null, NegotiatedRateCharges: null } },
    });
    expect(read.value.RateResponse.RatedShipment).toHaveLength(1);
    expect(read.value.RateResponse.RatedShipment[0]?.ItemizedCharges).toEqual([]);
    expect(read.warnings).toEqual([]);
  });

  it('reads a collapsed one-item list as a list', () => {
    const read = readBody(Body, { RateResponse: { RatedShipment: rated('03') } });
    expect(read.value.RateResponse.RatedShipment.map((r) => r.Service.Code)).toEqual(['03']);
  });

  it('an unreadable optional field costs that field, with a warning', () => {
    const read = readBody(Body, {
      RateResponse: {
        RatedShipment: [{ ...rated('03'), Service: { Code: '03', Description: { odd: true } } }],
      },
    });
    expect(read.value.RateResponse.RatedShipment[0]?.Service).toEqual({ Code: '03' });
    expect(read.warnings[0]).toMatch(/RatedShipment\[0\]\.Service\.Description could not be read/);
  });

  it('a broken optional object is dropped, not the rate holding it', () => {
    const read = readBody(Body, {
      RateResponse: {
        RatedShipment: [{ ...rated('03'), NegotiatedRateCharges: { TotalCharge: { CurrencyCode: 'USD' } } }],
      },
    });
    const first = read.value.RateResponse.RatedShipment[0];
    expect(first?.NegotiatedRateCharges).toBeUndefined();
    expect(first?.TotalCharges).toEqual({ CurrencyCode: 'USD', MonetaryValue: '9.45' });
    expect(read.warnings.join('\n')).toMatch(/NegotiatedRateCharges/);
  });

  it('money is strict: an inexact amount costs the rate, never becomes another price', () => {
    const read = readBody(Body, {
      RateResponse: { RatedShipment: [rated('01', '12,50'), rated('03', 9.45)] },
    });
    expect(read.value.RateResponse.RatedShipment.map((r) => r.Service.Code)).toEqual(['03']);
    expect(read.value.RateResponse.RatedShipment[0]?.TotalCharges.MonetaryValue).toBe(9.45);
    expect(read.warnings.join('\n')).toMatch(/RatedShipment\[0\] left out/);
  });

  it('identities are strict: a number past 2^53 is unreadable, a safe one becomes its digits', () => {
    const Ship = z.object({ trackingNumber: identity });
    expect(readBody(Ship, { trackingNumber: 9356579890 }).value.trackingNumber).toBe('9356579890');
    expect(() => readBody(Ship, { trackingNumber: 92612999897521100000000 })).toThrow(UnreadableBodyError);
    expect(() => readBody(Ship, { trackingNumber: '  ' })).toThrow(UnreadableBodyError);
  });

  it('keeps an unknown enum value and reports it', () => {
    const read = readBody(Body, { RateResponse: { RatedShipment: [{ ...rated('03'), Kind: 'PROMO' }] } });
    expect(read.value.RateResponse.RatedShipment[0]?.Kind).toBe('PROMO');
    expect(read.warnings).toEqual(["rate kind 'PROMO' is not one the gateway knows; kept as written"]);
    expect(
      readBody(Body, { RateResponse: { RatedShipment: [{ ...rated('03'), Kind: 'LIST' }] } }).warnings,
    ).toEqual([]);
  });

  it('a body without what the operation needs is unreadable', () => {
    expect(() => readBody(Body, { RateResponse: { RatedShipment: [] } })).toThrow(UnreadableBodyError);
    expect(() => readBody(Body, { RateResponse: { RatedShipment: [rated('01', 'x')] } })).toThrow(
      UnreadableBodyError,
    );
    expect(() => readBody(Body, '<html>')).toThrow(UnreadableBodyError);
    expect(() => readBody(Body, undefined)).toThrow(UnreadableBodyError);
  });
});
