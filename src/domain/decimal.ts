/**
 * Exact decimal arithmetic on strings via BigInt, so prices and unit conversions never go
 * through binary floating point. A Decimal is a scaled integer: value = units / 10^scale.
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string ("12.50") or a finite number (via its shortest representation). */
export function parseDecimal(input: string | number): Decimal {
  const text = typeof input === 'number' ? numberToPlainString(input) : input.trim();
  return parseShortDecimal(text) ?? parseLongDecimal(text);
}

/** Up to 15 digits a double holds exactly: they are read as one (every amount a carrier writes). */
const EXACT_DIGITS = 15;

/**
 * `-?digits(.digits)?` of at most 15 digits, read without a match object or a BigInt parse
 * (a carrier answer holds dozens of amounts: ~2 % of a rate's CPU went to this function);
 * undefined for anything else, which the general reader takes (and refuses if it must).
 */
function parseShortDecimal(text: string): Decimal | undefined {
  const negative = text.charCodeAt(0) === 45; // '-'
  let value = 0;
  let digits = 0;
  let scale = -1; // no '.' yet
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits += 1;
      if (scale >= 0) scale += 1;
    } else if (code === 46 && scale < 0 && digits > 0) scale = 0;
    else return undefined;
  }
  if (digits === 0 || digits > EXACT_DIGITS || scale === 0) return undefined;
  return { units: BigInt(negative ? -value : value), scale: Math.max(scale, 0) };
}

function parseLongDecimal(text: string): Decimal {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`) * (sign ? -1n : 1n);
  return { units, scale: fraction.length };
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  // Exponent notation: from 1e21 up a double is an integer (and toFixed answers in exponent
  // form again); below, expand through toFixed with enough digits (1e-7), then trim.
  if (Math.abs(n) >= 1e21) return BigInt(n).toString();
  return n.toFixed(20).replace(/\.?0+$/, '');
}

const POWERS = Array.from({ length: 24 }, (_, n) => 10n ** BigInt(n));
const pow10 = (n: number): bigint => POWERS[n] ?? 10n ** BigInt(n);

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export type RoundingMode = 'up' | 'down' | 'half-up';

/** Rounds to `decimals` places; 'up' and 'down' are away from and toward zero. */
export function roundDecimal(a: Decimal, decimals: number, mode: RoundingMode = 'half-up'): Decimal {
  if (a.scale <= decimals) return { units: a.units * pow10(decimals - a.scale), scale: decimals };
  const divisor = pow10(a.scale - decimals);
  const negative = a.units < 0n;
  const magnitude = negative ? -a.units : a.units;
  let quotient = magnitude / divisor;
  const remainder = magnitude % divisor;
  if (remainder !== 0n) {
    if (mode === 'up' || (mode === 'half-up' && remainder * 2n >= divisor)) quotient += 1n;
  }
  return { units: negative ? -quotient : quotient, scale: decimals };
}

export function formatDecimal(a: Decimal): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = a.scale > 0 ? `.${digits.slice(digits.length - a.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Converts to a JS number for wire formats that insist on JSON numbers (after exact rounding). */
export function decimalToNumber(a: Decimal): number {
  return Number(formatDecimal(a));
}
