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
  // Exponent notation (1e-7, 1e21): expand through toFixed with enough digits, then trim.
  return n.toFixed(20).replace(/\.?0+$/, '');
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

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
