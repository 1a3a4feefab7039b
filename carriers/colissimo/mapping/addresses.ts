/**
 * Unified address -> Colissimo `address` object. Colissimo's lines: line0 = floor/apartment,
 * line1 = building/entrance, line2 = street (required), line3 = locality (ROUL cassettes put
 * "Batiment B" in line0 and the street in line2).
 */
import type { Address } from '../../../src/domain/shipment.ts';

export interface SlsAddress {
  companyName?: string;
  lastName: string;
  firstName?: string;
  line0?: string;
  line1?: string;
  line2: string;
  line3?: string;
  countryCode: string;
  city: string;
  zipCode: string;
  phoneNumber?: string;
  mobileNumber?: string;
  email?: string;
  stateOrProvinceCode?: string;
  language?: string;
}

/** Keeps only defined values, so the JSON carries no `undefined` holes. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function toSlsAddress(address: Address): SlsAddress {
  const [street = '', second, third] = address.lines;
  return compact({
    companyName: address.company,
    // Colissimo requires a last name; a company-only address uses the company name.
    lastName: address.name ?? address.company ?? '',
    line1: third,
    line2: street,
    line3: second,
    countryCode: address.countryCode,
    city: address.city,
    zipCode: address.postalCode ?? '',
    // French mobile numbers (06/07, +336/+337) go to mobileNumber: Colissimo texts delivery notices there.
    mobileNumber: address.phone && /^(\+33\s?[67]|0[67])/.test(address.phone) ? address.phone : undefined,
    phoneNumber: address.phone && !/^(\+33\s?[67]|0[67])/.test(address.phone) ? address.phone : undefined,
    email: address.email,
    stateOrProvinceCode: address.stateCode,
  });
}
