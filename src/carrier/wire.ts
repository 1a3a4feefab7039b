/**
 * Schema helpers for carrier answers, to be read with `readBody` (body.ts). Loose where
 * carriers vary (lists collapsed to one object, numbers written as strings, unknown enum
 * values), strict where a wrong value costs money or a parcel: amounts, currencies and
 * identities are exact or unreadable.
 */
import { z } from '@hono/zod-openapi';
import { money } from '../domain/money.ts';
import type { Money } from '../domain/shipment.ts';
import { noteFinding } from './body.ts';

/**
 * A list that the carrier collapses to its one item when there is only one (UPS
 * RatedShipment, PackageResults, ItemizedCharges...). Always read as a list.
 */
export const list = <T extends z.ZodType>(item: T, options: { min?: number } = {}) =>
  z.preprocess(
    (v) => (v === undefined || Array.isArray(v) ? v : [v]),
    z.array(item).min(options.min ?? 0, 'no readable item'),
  );

/** An optional list: absent reads as an empty list. */
export const optionalList = <T extends z.ZodType>(item: T) => list(item).optional().default([]);

/**
 * The carrier's usual form of a value it writes either way tried first: zod's union tries
 * its forms in order and builds an issue for each that fails, on every such field of every
 * answer (amounts written as strings, read number-first: 7 % of what a rate allocated). No value
 * passes both forms, so the order changes nothing but that cost.
 */
type UsualForm = 'number' | 'string';
const inOrder = <N extends z.ZodType, S extends z.ZodType>(usually: UsualForm, asNumber: N, asString: S) =>
  usually === 'number' ? z.union([asNumber, asString]) : z.union([asString, asNumber]);

const finiteNumber = z.number().finite();
const decimalText = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/, 'not a decimal amount');

/**
 * An amount exactly as the carrier wrote it: a JSON number (its shortest decimal form is
 * exact for what carriers send) or a decimal string. "12,50", "USD 12" or NaN are unreadable.
 */
export const amountWritten = (usually: UsualForm) => inOrder(usually, finiteNumber, decimalText);
export const amount = amountWritten('number');
export type Amount = z.infer<typeof amount>;

/** An ISO 4217 code, upper-cased. */
export const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'not a currency code')
  .transform((c) => c.toUpperCase());

/** Exact money from an amount and a currency already read by the helpers above. */
export const moneyOf = (value: Amount, code: string): Money => money(value, code);

/**
 * A tracking number, shipment number or other identity. A string, or an integer the JSON
 * number kept exactly; a number past 2^53 has already lost digits, so it is unreadable
 * (parseCarrierJson hands such integers over as their digits, a string).
 */
export const identity = z.union([
  z.string().trim().min(1, 'empty identity'),
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, 'number too large to be exact')
    .transform((n) => String(n)),
]);

/** Free text; numbers are turned into text rather than refused. */
export const text = z.union([z.string(), z.number().transform(String)]);

/** A count or a day number that carriers write as a number or a string of digits. */
export const wholeNumberWritten = (usually: UsualForm) =>
  inOrder(
    usually,
    z.number().int().nonnegative(),
    z
      .string()
      .trim()
      .regex(/^\d+$/)
      .transform((s) => Number(s)),
  );
export const wholeNumber = wholeNumberWritten('number');

/**
 * A code from a list the carrier may extend: a known value passes, an unknown one is kept
 * as written and reported as a warning of the read (never a failure).
 */
export function openEnum<const T extends readonly string[]>(what: string, known: T) {
  const values = new Set<string>(known);
  return z.union([z.string(), z.number().transform(String)]).transform((value): T[number] | (string & {}) => {
    if (!values.has(value)) noteFinding(`${what} '${value}' is not one the gateway knows; kept as written`);
    return value;
  });
}
