/** Unified addresses as FedEx parties (`address` plus, for shipping, `contact`). */
import type { Address } from '../../../src/domain/shipment.ts';

export interface FedexAddress {
  streetLines: string[];
  city: string;
  stateOrProvinceCode?: string;
  postalCode?: string;
  countryCode: string;
  residential?: boolean;
}

export interface FedexContact {
  personName?: string;
  companyName?: string;
  phoneNumber?: string;
  emailAddress?: string;
}

export function fedexAddress(a: Address): FedexAddress {
  return {
    streetLines: [...a.lines],
    city: a.city,
    ...(a.stateCode ? { stateOrProvinceCode: a.stateCode } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    countryCode: a.countryCode,
    ...(a.residential !== undefined ? { residential: a.residential } : {}),
  };
}

export function fedexContact(a: Address): FedexContact {
  return {
    ...(a.name ? { personName: a.name } : {}),
    ...(a.company ? { companyName: a.company } : {}),
    ...(a.phone ? { phoneNumber: a.phone } : {}),
    ...(a.email ? { emailAddress: a.email } : {}),
  };
}

export const isInternational = (from: Address, to: Address): boolean => from.countryCode !== to.countryCode;
