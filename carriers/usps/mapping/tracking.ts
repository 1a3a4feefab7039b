/**
 * Tracking: GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL (USPS tracking spec
 * `TrackingDetails`) -> normalised events. USPS lists events newest first; statuses come from
 * Pub 199 event codes where they are unambiguous, else from the words of the event.
 */

import { tryReadBody } from '../../../src/carrier/body.ts';
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { unreadableAnswer } from '../../../src/carrier/outcomes.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { TrackingDetails, type WireTrackingEvent } from './wire.ts';

export const trackingPath = (trackingNumber: string): string =>
  `/tracking/v3/tracking/${encodeURIComponent(trackingNumber)}`;

/** Pub 199 Appendix G-4 scan event codes with one clear meaning. */
const EVENT_CODES: Record<string, TrackingStatus> = {
  MA: 'pre_transit', // Pre-Shipment Info Sent to USPS, USPS Awaiting Item
  GX: 'pre_transit', // Shipping Label Created
  '03': 'in_transit', // Accepted at USPS Origin Facility
  OA: 'in_transit', // Acceptance
  '10': 'in_transit', // Processed through facility
  '07': 'in_transit', // Arrived at post office
  OF: 'out_for_delivery',
  '01': 'delivered',
  '02': 'exception', // Notice left, no authorised recipient
  '04': 'exception', // Refused
  '05': 'exception', // Undeliverable as addressed
  '09': 'exception', // Return to sender
  '21': 'exception', // No such number
};

/** Status from free text (statusCategory, status or eventType). */
export function statusFromText(text: string | undefined): TrackingStatus | undefined {
  if (!text) return undefined;
  const t = text.toLowerCase();
  if (/out for delivery/.test(t)) return 'out_for_delivery';
  if (/undeliverable|refused|return(ed)? to sender|alert|notice left|attempt|exception|no such/.test(t)) {
    return 'exception';
  }
  if (/delivered/.test(t)) return 'delivered';
  if (/pre-shipment|label created|awaiting item|shipping label/.test(t)) return 'pre_transit';
  if (/accepted|in transit|arrived|departed|processed|picked up|moving|available for pickup/.test(t)) {
    return 'in_transit';
  }
  return undefined;
}

const statusOfEvent = (e: WireTrackingEvent): TrackingStatus =>
  (e.eventCode ? EVENT_CODES[e.eventCode] : undefined) ?? statusFromText(e.eventType) ?? 'in_transit';

function toEvent(e: WireTrackingEvent): TrackingEvent | undefined {
  const at = e.GMTTimestamp ?? e.eventTimestamp;
  if (!at) return undefined;
  const event: TrackingEvent = { at, status: statusOfEvent(e), description: e.eventType ?? '' };
  if (e.eventCode) event.code = e.eventCode;
  const location: NonNullable<TrackingEvent['location']> = {};
  if (e.eventCity) location.city = e.eventCity;
  if (e.eventZIP) location.postalCode = e.eventZIP;
  // USPS writes the country as a code or a name; only a real alpha-2 code is kept.
  const country = e.eventCountry?.trim().toUpperCase();
  if (country && /^[A-Z]{2}$/.test(country)) location.countryCode = country;
  else if (e.eventCity && !country) location.countryCode = 'US';
  if (Object.keys(location).length) event.location = location;
  return event;
}

/** Maps a TrackingDetails answer by the kit's tolerant rule; undefined when it is not one. */
export function parseTracking(json: unknown, carrier: string): Tracking | undefined {
  const read = tryReadBody(TrackingDetails, json);
  if (!read) return undefined;
  const parsed = { data: read.value };
  const events = parsed.data.trackingEvents
    .map(toEvent)
    .filter((e): e is TrackingEvent => e !== undefined)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const status =
    statusFromText(parsed.data.statusCategory) ??
    statusFromText(parsed.data.status) ??
    events[0]?.status ??
    'unknown';
  return { carrier, trackingNumber: parsed.data.trackingNumber, status, events };
}

export async function track(ctx: CarrierContext, trackingNumber: string): Promise<Tracking> {
  const res = await ctx.request({
    method: 'GET',
    path: trackingPath(trackingNumber),
    query: { expand: 'DETAIL' },
    headers: { Accept: 'application/json' },
    operation: 'track',
  });
  const tracking = parseTracking(res.json(), ctx.carrier);
  if (!tracking) throw unreadableAnswer(ctx, res.status, 'no tracking details');
  return tracking;
}
