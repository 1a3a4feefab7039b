/** Rules every USPS label request follows, domestic or international. */
import type { CarrierContext, CarrierLabelRequest } from '../../../src/carrier/definition.ts';
import type { Parcel } from '../../../src/domain/shipment.ts';
import { refuse } from './refuse.ts';

/** Today's date in UTC: never "in the past" for a US post office (usps 160001). */
export const today = (): string => new Date().toISOString().slice(0, 10);

/** The one parcel of a USPS label (USPS labels carry exactly one package). */
export function oneParcel(ctx: CarrierContext, req: CarrierLabelRequest): Parcel {
  const [parcel, ...more] = req.parcels;
  if (!parcel || more.length) {
    throw refuse(ctx, 'ONE_PACKAGE', 'a USPS label carries exactly one package: send one parcel per label');
  }
  return parcel;
}
