/**
 * Intelligent Mail package barcode numbers as USPS prints them: 92 + a 3-digit service type
 * code + the label owner's MID + a serial, 22 digits with a mod-10 check digit (Pub 199).
 */

/** Service type codes per mail class (Pub 199 Appendix I, the common ones). */
const SERVICE_TYPE: Record<string, string> = {
  PRIORITY_MAIL_EXPRESS: '701',
  PRIORITY_MAIL: '055',
  USPS_GROUND_ADVANTAGE: '001',
  PARCEL_SELECT: '612',
  MEDIA_MAIL: '341',
  LIBRARY_MAIL: '361',
  BOUND_PRINTED_MATTER: '580',
};

/** Weights 3,1,3,1... from the right; the check digit brings the sum to a multiple of 10. */
export function mod10(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export function impb(mailClass: string, mid: string, sequence: number): string {
  const head = `92${SERVICE_TYPE[mailClass] ?? '001'}${mid}`;
  const serialLength = 21 - head.length;
  // A time-derived base keeps two sandbox runs from printing the same numbers.
  const serial = String((Date.now() % 10 ** (serialLength - 3)) * 1000 + (sequence % 1000))
    .padStart(serialLength, '0')
    .slice(-serialLength);
  const body = `${head}${serial}`;
  return `${body}${mod10(body)}`;
}
