/**
 * MyDHL `GET /shipments/{shipmentTrackingNumber}/tracking` -> normalised events. Events
 * carry a local `date` and `time`, a two-letter `typeCode` (PU picked up, AF/PL/DF/AR
 * facility scans, WC with courier, OK delivered...) and a serviceArea "CITY-CC".
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { UpstreamRequest } from '../../../src/carrier/definition.ts';
import { identity, list, optionalList, text } from '../../../src/carrier/wire.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { CARRIER_ID } from '../profile.ts';
import { mydhlHeaders } from './wire.ts';

export function buildTrackingRequest(trackingNumber: string): UpstreamRequest {
  return {
    method: 'GET',
    path: `/shipments/${encodeURIComponent(trackingNumber)}/tracking`,
    query: { trackingView: 'all-checkpoints', levelOfDetail: 'shipment' },
    headers: mydhlHeaders(),
    operation: 'track',
  };
}

/** Checkpoint codes (DHL Express event codes) that are not plain "in transit". */
const STATUS_BY_CODE: Record<string, TrackingStatus> = {
  OK: 'delivered',
  DD: 'delivered',
  WC: 'out_for_delivery',
  SA: 'pre_transit',
  PU: 'in_transit',
  OH: 'exception',
  CA: 'exception',
  BA: 'exception',
  NH: 'exception',
  RT: 'exception',
  MS: 'exception',
  DS: 'exception',
  HP: 'exception',
  CM: 'exception',
  RD: 'exception',
};

export const statusForCode = (code: string): TrackingStatus => STATUS_BY_CODE[code] ?? 'in_transit';

const ServiceArea = z.looseObject({ code: text.optional(), description: text.optional() });
const Event = z.looseObject({
  date: text,
  time: text.optional(),
  GMTOffset: text.optional(),
  typeCode: text.optional(),
  description: text.optional(),
  serviceArea: optionalList(ServiceArea),
});
export const TrackingResponse = z.looseObject({
  shipments: list(
    z.looseObject({
      shipmentTrackingNumber: identity.optional(),
      status: text.optional(),
      events: optionalList(Event),
    }),
  ),
});

/** "SYDNEY-AU" -> city SYDNEY, country AU. */
function location(area: z.infer<typeof ServiceArea> | undefined): TrackingEvent['location'] {
  const m = area?.description ? /^(.*)-([A-Z]{2})$/.exec(area.description.trim()) : null;
  if (!m) return undefined;
  return { city: m[1]!.trim(), countryCode: m[2]! };
}

export function parseTracking(json: unknown, trackingNumber: string): Tracking {
  const parsed = { data: readBody(TrackingResponse, json).value };
  const shipment = parsed.data.shipments[0];
  const events: TrackingEvent[] = (shipment?.events ?? []).map((e) => {
    const code = e.typeCode ?? '';
    const event: TrackingEvent = {
      at: `${e.date}T${e.time ?? '00:00:00'}${e.GMTOffset ?? ''}`,
      status: statusForCode(code),
      description: e.description?.trim() ?? code,
      ...(code ? { code } : {}),
    };
    const where = location(e.serviceArea?.[0]);
    if (where) event.location = where;
    return event;
  });
  // Events come oldest first; the last one is the shipment's current state.
  const last = events.at(-1);
  return {
    carrier: CARRIER_ID,
    trackingNumber: String(shipment?.shipmentTrackingNumber ?? trackingNumber),
    status: last ? last.status : 'pre_transit',
    events,
  };
}
