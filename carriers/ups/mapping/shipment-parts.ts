/**
 * Pieces shared by the rate and ship bodies: parties, packages and units. UPS wants the unit
 * system of the origin (LBS/IN from the US, KGS/CM elsewhere), weights to 0.1 and dimensions
 * to 0.01 (ups_rating.yaml Package_Dimensions: "2 digits of significance after the decimal").
 */
import type { Address, Parcel } from '../../../src/domain/shipment.ts';
import { convertLength, convertWeight } from '../../../src/domain/units.ts';
import { IMPERIAL_ORIGINS } from '../profile.ts';

export const WEIGHT_DECIMALS = 1;
export const LENGTH_DECIMALS = 2;

export interface UnitSystem {
  weight: { code: 'LBS' | 'KGS'; description: string; unit: 'lb' | 'kg' };
  length: { code: 'IN' | 'CM'; description: string; unit: 'in' | 'cm' };
}

export function unitSystemFor(originCountry: string): UnitSystem {
  return IMPERIAL_ORIGINS.has(originCountry)
    ? {
        weight: { code: 'LBS', description: 'Pounds', unit: 'lb' },
        length: { code: 'IN', description: 'Inches', unit: 'in' },
      }
    : {
        weight: { code: 'KGS', description: 'Kilograms', unit: 'kg' },
        length: { code: 'CM', description: 'Centimeters', unit: 'cm' },
      };
}

/** UPS name fields hold 35 characters. */
const name35 = (value: string): string => value.slice(0, 35);

export function upsAddress(address: Address, residential = false): Record<string, unknown> {
  return {
    AddressLine: address.lines,
    City: address.city,
    ...(address.stateCode ? { StateProvinceCode: address.stateCode } : {}),
    ...(address.postalCode ? { PostalCode: address.postalCode } : {}),
    CountryCode: address.countryCode,
    ...(residential && address.residential ? { ResidentialAddressIndicator: '' } : {}),
  };
}

export interface PartyOptions {
  shipperNumber?: string;
  residential?: boolean;
  fallbackName: string;
}

/** A Shipper, ShipTo or ShipFrom container. */
export function upsParty(address: Address, options: PartyOptions): Record<string, unknown> {
  const displayName = address.company ?? address.name ?? options.fallbackName;
  return {
    Name: name35(displayName),
    ...(address.name && address.company ? { AttentionName: name35(address.name) } : {}),
    ...(options.shipperNumber ? { ShipperNumber: options.shipperNumber } : {}),
    ...(address.phone ? { Phone: { Number: address.phone.replace(/[^\d+x]/gi, '').slice(0, 15) } } : {}),
    Address: upsAddress(address, options.residential ?? false),
  };
}

export function upsWeight(parcel: Parcel, units: UnitSystem): Record<string, unknown> {
  return {
    UnitOfMeasurement: { Code: units.weight.code, Description: units.weight.description },
    Weight: convertWeight(parcel.weight, units.weight.unit, { decimals: WEIGHT_DECIMALS }),
  };
}

export function upsDimensions(parcel: Parcel, units: UnitSystem): Record<string, unknown> | undefined {
  const d = parcel.dimensions;
  if (!d) return undefined;
  const to = units.length.unit;
  const opts = { decimals: LENGTH_DECIMALS };
  return {
    UnitOfMeasurement: { Code: units.length.code, Description: units.length.description },
    Length: convertLength(d.length, d.unit, to, opts),
    Width: convertLength(d.width, d.unit, to, opts),
    Height: convertLength(d.height, d.unit, to, opts),
  };
}

/** Packaging code 02 = "Customer Supplied Package". */
export const CUSTOMER_PACKAGING = { Code: '02', Description: 'Customer Supplied Package' } as const;
