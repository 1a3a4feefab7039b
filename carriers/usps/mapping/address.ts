/**
 * Unified address -> USPS DomesticLabelAddress (usps_labels.yaml): firstName/lastName or firm,
 * streetAddress + secondaryAddress, city, two-letter state, 5-digit ZIPCode + ZIPPlus4.
 */
import type { Address } from '../../../src/domain/shipment.ts';

const ZIP = /^(\d{5})(?:[-\s]?(\d{4}))?$/;

export interface UspsZip {
  ZIPCode: string;
  ZIPPlus4?: string;
}

/** The 5-digit ZIP (and +4) of a US postal code; undefined when it is not one. */
export function usZip(postalCode: string | undefined): UspsZip | undefined {
  const match = ZIP.exec((postalCode ?? '').trim());
  if (!match?.[1]) return undefined;
  return match[2] ? { ZIPCode: match[1], ZIPPlus4: match[2] } : { ZIPCode: match[1] };
}

/**
 * First name is everything before the last word. USPS needs a first and a last name or a
 * firm, so a one-word name ("Shop") is sent as the firm.
 */
function splitName(name: string): { firstName: string; lastName: string } | { firm: string } {
  const words = name.trim().split(/\s+/);
  const lastName = words.pop() ?? name;
  return words.length
    ? { firstName: words.join(' ').slice(0, 50), lastName: lastName.slice(0, 50) }
    : { firm: lastName.slice(0, 50) };
}

/** Digits only, the 10-digit form USPS expects for US numbers. */
function phoneDigits(phone: string | undefined): string | undefined {
  const digits = (phone ?? '').replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) return digits.slice(1);
  return digits.length === 10 ? digits : undefined;
}

export function toUspsAddress(address: Address, zip: UspsZip): Record<string, string> {
  const out: Record<string, string> = {};
  if (address.name) Object.assign(out, splitName(address.name));
  if (address.company) out.firm = address.company.slice(0, 50);
  const [street = '', ...rest] = address.lines;
  out.streetAddress = street;
  if (rest.length) out.secondaryAddress = rest.join(' ');
  out.city = address.city.slice(0, 28);
  if (address.stateCode) out.state = address.stateCode;
  out.ZIPCode = zip.ZIPCode;
  if (zip.ZIPPlus4) out.ZIPPlus4 = zip.ZIPPlus4;
  const phone = phoneDigits(address.phone);
  if (phone) out.phone = phone;
  if (address.email) out.email = address.email;
  return out;
}
