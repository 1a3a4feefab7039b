/**
 * Weights and dimensions at FedEx precision. FedEx takes KG or LB (package weight with two
 * decimals, `totalWeight` with one) and whole CM or IN (the spec: "No implied decimal places").
 * One unit system per shipment, chosen by the first parcel, so totals add up.
 */

import type { Parcel } from '../../../src/domain/shipment.ts';
import { convertLength, convertWeight, totalWeight } from '../../../src/domain/units.ts';

export type FedexWeightUnits = 'KG' | 'LB';
export type FedexLengthUnits = 'CM' | 'IN';

export interface FedexUnitSystem {
  weight: FedexWeightUnits;
  length: FedexLengthUnits;
}

export const PACKAGE_WEIGHT_DECIMALS = 2;
export const TOTAL_WEIGHT_DECIMALS = 1;

export function unitSystemFor(parcels: readonly Parcel[]): FedexUnitSystem {
  const unit = parcels[0]?.weight.unit ?? 'lb';
  return unit === 'kg' || unit === 'g' ? { weight: 'KG', length: 'CM' } : { weight: 'LB', length: 'IN' };
}

const lower = <T extends string>(u: T) => u.toLowerCase() as Lowercase<T>;

/** JSON numbers on the wire, produced from exact decimal strings (rounded up: carriers bill up). */
export function packageWeight(
  parcel: Parcel,
  system: FedexUnitSystem,
): { units: FedexWeightUnits; value: number } {
  const value = convertWeight(parcel.weight, lower(system.weight), { decimals: PACKAGE_WEIGHT_DECIMALS });
  return { units: system.weight, value: Number(value) };
}

export function packageDimensions(
  parcel: Parcel,
  system: FedexUnitSystem,
): { length: number; width: number; height: number; units: FedexLengthUnits } | undefined {
  const d = parcel.dimensions;
  if (!d) return undefined;
  const to = lower(system.length);
  const whole = (v: number) => Number(convertLength(v, d.unit, to, { decimals: 0 }));
  return { length: whole(d.length), width: whole(d.width), height: whole(d.height), units: system.length };
}

export function shipmentWeight(
  parcels: readonly Parcel[],
  system: FedexUnitSystem,
): { units: FedexWeightUnits; value: number } {
  const value = totalWeight(
    parcels.map((p) => p.weight),
    lower(system.weight),
    { decimals: TOTAL_WEIGHT_DECIMALS },
  );
  return { units: system.weight, value: Number(value) };
}
