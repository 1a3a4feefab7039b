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

/**
 * An integer past 2^53 has at least 16 digits: text without a run of 16 digits anywhere holds
 * none, and is parsed without the reviver (a reviver call per value made this parse ~12 % of
 * the gateway's CPU on the hot path: bench/README.md).
 */
const LONG_DIGIT_RUN = /\d{16}/;

/** Parses JSON text; integers past 2^53 come back as their exact digits. Throws like JSON.parse. */
export function parseCarrierJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!LONG_DIGIT_RUN.test(body)) return JSON.parse(body);
  return JSON.parse(body, keepLongIntegers as (key: string, value: unknown) => unknown);
}
