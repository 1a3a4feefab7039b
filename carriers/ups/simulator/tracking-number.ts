/**
 * UPS "1Z" tracking numbers: 1Z + 6-character shipper number + 2-digit service + 7-digit
 * package number + check digit (the mod-10 scheme UPS numbers are validated with).
 */
/** Letters count as (charCode - 63) mod 10; odd positions once, even positions twice. */
export function upsCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '0';
    const value = /\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 63) % 10;
    sum += i % 2 === 1 ? value * 2 : value;
  }
  return (10 - (sum % 10)) % 10;
}

/** A numbering source per simulator; starts from the clock so two runs rarely collide. */
export function createTrackingNumbers(
  clock: () => number,
): (shipperNumber: string, serviceCode: string) => string {
  let sequence = Math.floor(clock() / 1000) % 9_000_000;
  return (shipperNumber, serviceCode) => {
    sequence = (sequence + 1) % 10_000_000;
    const shipper = shipperNumber
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(6, '0')
      .slice(0, 6);
    const body = `${shipper}${serviceCode.padStart(2, '0').slice(-2)}${String(sequence).padStart(7, '0')}`;
    return `1Z${body}${upsCheckDigit(body)}`;
  };
}

export const isUpsTrackingNumber = (n: string): boolean =>
  /^1Z[A-Z0-9]{15}\d$/.test(n) && upsCheckDigit(n.slice(2, 17)) === Number(n.slice(17));
