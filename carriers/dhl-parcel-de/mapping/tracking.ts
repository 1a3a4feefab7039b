/**
 * Tracking through the DHL Shipment Tracking (Unified) API, `GET /track/shipments`
 * (the Shipping API has none). It takes the developer-portal API key in `DHL-API-Key`,
 * not the bearer token. Each event has a `statusCode` of pre-transit, transit, delivered,
 * failure or unknown.
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { UpstreamRequest } from '../../../src/carrier/definition.ts';
import { identity, list, openEnum, optionalList, text } from '../../../src/carrier/wire.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { CARRIER_ID, TRACKING_PATH } from '../profile.ts';

export function buildTrackingRequest(trackingNumber: string, apiKey: string): UpstreamRequest {
  return {
    method: 'GET',
    host: 'tracking',
    path: TRACKING_PATH,
    query: { trackingNumber, service: 'parcel-de' },
    headers: { accept: 'application/json', 'DHL-API-Key': apiKey },
    auth: false,
    operation: 'track',
  };
}

const STATUS: Record<string, TrackingStatus> = {
  'pre-transit': 'pre_transit',
  transit: 'in_transit',
  delivered: 'delivered',
  failure: 'exception',
  unknown: 'unknown',
};

const Address = z.looseObject({
  countryCode: text.optional(),
  postalCode: text.optional(),
  addressLocality: text.optional(),
});
const Event = z.looseObject({
  timestamp: text,
  location: z.looseObject({ address: Address.optional() }).optional(),
  statusCode: openEnum('DHL tracking status code', [
    'pre-transit',
    'transit',
    'delivered',
    'failure',
    'unknown',
  ]).optional(),
  status: text.optional(),
  description: text.optional(),
});
export const TrackingResponse = z.looseObject({
  shipments: list(z.looseObject({ id: identity, status: Event.optional(), events: optionalList(Event) }), {
    min: 1,
  }),
});

function statusOf(e: z.infer<typeof Event>): TrackingStatus {
  const base = STATUS[e.statusCode ?? 'unknown'] ?? 'unknown';
  // "transit" also covers the last mile; the text says when it is on the delivery vehicle.
  const text = `${e.status ?? ''} ${e.description ?? ''}`.toLowerCase();
  if (base === 'in_transit' && (text.includes('out for delivery') || text.includes('delivery vehicle'))) {
    return 'out_for_delivery';
  }
  return base;
}

function toEvent(e: z.infer<typeof Event>): TrackingEvent {
  const a = e.location?.address;
  const event: TrackingEvent = {
    at: e.timestamp,
    status: statusOf(e),
    description: e.description ?? e.status ?? e.statusCode ?? '',
    ...(e.statusCode ? { code: e.statusCode } : {}),
  };
  if (a && (a.addressLocality || a.postalCode || a.countryCode)) {
    event.location = {
      ...(a.addressLocality ? { city: a.addressLocality } : {}),
      ...(a.postalCode ? { postalCode: a.postalCode } : {}),
      ...(a.countryCode ? { countryCode: a.countryCode } : {}),
    };
  }
  return event;
}

export function parseTracking(json: unknown, trackingNumber: string): Tracking {
  const parsed = { data: readBody(TrackingResponse, json).value };
  const shipment = parsed.data.shipments.find((s) => s.id === trackingNumber) ?? parsed.data.shipments[0];
  // The Unified API lists events newest first; the unified model wants oldest first.
  const events = (shipment?.events ?? []).map(toEvent).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const current = shipment?.status ? statusOf(shipment.status) : events.at(-1)?.status;
  return {
    carrier: CARRIER_ID,
    trackingNumber: shipment?.id ?? trackingNumber,
    status: current ?? 'unknown',
    events,
  };
}
