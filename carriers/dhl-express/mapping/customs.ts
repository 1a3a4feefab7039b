/**
 * Whether a MyDHL shipment is customs-declarable: domestic and intra-EU shipments are not;
 * every other cross-border shipment is (and then needs a declared value).
 */
import { isEuMember } from '../../../src/domain/countries.ts';

export function isCustomsDeclarable(from: string, to: string): boolean {
  if (from === to) return false;
  return !(isEuMember(from) && isEuMember(to));
}
