/** A deterministic synthetic tracking history, by time since the label was created. */
import type { LabelRecord, SimTrackingEvent } from './types.ts';

const HOUR = 3600 * 1000;

/** The script every simulated parcel follows; offsets from label creation. */
const SCRIPT: readonly (Omit<SimTrackingEvent, 'at'> & { after: number })[] = [
  { after: 0, status: 'pre_transit', code: 'LC', description: 'Shipping label created' },
  {
    after: 2 * HOUR,
    status: 'in_transit',
    code: 'PU',
    description: 'Picked up',
    location: { city: 'ORIGIN HUB', countryCode: 'US' },
  },
  {
    after: 6 * HOUR,
    status: 'in_transit',
    code: 'IT',
    description: 'In transit',
    location: { city: 'SORT FACILITY', countryCode: 'US' },
  },
  {
    after: 24 * HOUR,
    status: 'out_for_delivery',
    code: 'OD',
    description: 'Out for delivery',
    location: { city: 'DESTINATION HUB', countryCode: 'US' },
  },
  { after: 28 * HOUR, status: 'delivered', code: 'DL', description: 'Delivered' },
];

export function trackingEvents(label: LabelRecord, now: number): SimTrackingEvent[] {
  const events: SimTrackingEvent[] = [];
  for (const { after, ...event } of SCRIPT) {
    const at = label.createdAt + after;
    if (at > now) break;
    events.push({ ...event, at: new Date(at).toISOString() });
  }
  return events;
}
