/**
 * JSON as carriers write it. Some answers carry identities as bare integers longer than a
 * double holds exactly (a DHL shipment number of 18 digits, a 22-digit USPS tracking number):
 * `JSON.parse` would round them, and a rounded tracking number is a wrong one. Such an
 * integer is kept as the digits the carrier wrote (a string), read through the source text
 * the parser hands its reviver (ECMAScript "JSON.parse source text access"); where the runtime
 * gives no source text, the number stays a number and the kit refuses it as inexact.
 */

const INTEGER_LITERAL = /^-?\d+$/;

function keepLongIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !Number.isFinite(value)) return value;
  const source = context?.source;
  return source !== undefined && INTEGER_LITERAL.test(source) ? source : value;
}

/** An integer past 2^53 has at least 16 digits. */
const LONG_RUN = 16;

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Whether `text` holds a run of 16 digits. Text without one holds no integer past 2^53 and is
 * parsed without the reviver (a reviver call per value made this parse ~12 % of the gateway's
 * CPU on the hot path: bench/README.md). Any such run covers a position that is a multiple of
 * 16 (minus one): only those are looked at, and a run is measured only around a digit found
 * there. A third of the time of `/\d{16}/.test` on an 11 KB answer.
 */
export function holdsLongDigitRun(text: string): boolean {
  for (let at = LONG_RUN - 1; at < text.length; at += LONG_RUN) {
    if (!isDigit(text.charCodeAt(at))) continue;
    let start = at;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start -= 1;
    let end = at + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
    if (end - start >= LONG_RUN) return true;
    // Too short: look on from its end, every 16th position again (a longer run starts after it).
    at = end - 1;
  }
  return false;
}

/**
 * Parsed answers whose text holds no `null` anywhere, so no null inside them: the tolerant
 * reader (body.ts) skips its scan for one (a walk of every value, ~2.5 % of a rate's CPU).
 */
const nullFree = new WeakSet<object>();

/** Whether `value` is an answer parseCarrierJson read from a text without `null`. */
export const parsedWithoutNull = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && nullFree.has(value);

/** Parses JSON text; integers past 2^53 come back as their exact digits. Throws like JSON.parse. */
export function parseCarrierJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const value: unknown = holdsLongDigitRun(body)
    ? JSON.parse(body, keepLongIntegers as (key: string, value: unknown) => unknown)
    : JSON.parse(body);
  if (typeof value === 'object' && value !== null && !body.includes('null')) nullFree.add(value);
  return value;
}
