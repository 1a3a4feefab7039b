/**
 * GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL: the kit's synthetic history of a
 * label sold here, in the TrackingDetails shape (events newest first, Pub 199 event codes);
 * unknown numbers get 404 with 150002 (USPS error inventory).
 */
import type { Hono } from 'hono';
import { apiGuard, type SimContext, type SimTrackingEvent } from '../../../sandbox/kit/index.ts';
import { errorResponse, uspsRenderer } from './errors.ts';

const API = '/tracking/v3';

/** Kit script codes -> USPS event code and wording. */
const USPS_EVENTS: Record<string, { code: string; type: string; where: 'from' | 'to' | 'none' }> = {
  LC: { code: 'GX', type: 'Shipping Label Created, USPS Awaiting Item', where: 'from' },
  PU: { code: '03', type: 'Accepted at USPS Origin Facility', where: 'from' },
  IT: { code: '10', type: 'Departed USPS Regional Facility', where: 'from' },
  OD: { code: 'OF', type: 'Out for Delivery', where: 'to' },
  DL: { code: '01', type: 'Delivered, Front Door/Porch', where: 'to' },
};

const CATEGORY: Record<SimTrackingEvent['status'], string> = {
  pre_transit: 'Pre-Shipment',
  in_transit: 'In Transit',
  out_for_delivery: 'Out for Delivery',
  delivered: 'Delivered',
  exception: 'Alert',
  unknown: 'Unknown',
};

export function mountTracking(app: Hono, sim: SimContext): void {
  app.get(`${API}/tracking/:trackingNumber`, apiGuard(sim, uspsRenderer(API), { endpoint: 'track' }), (c) => {
    const trackingNumber = c.req.param('trackingNumber');
    const label = sim.labels.find(trackingNumber);
    const history = sim.labels.events(trackingNumber);
    if (!label || !history) {
      return errorResponse(API, 404, [
        {
          code: '150002',
          parameter: 'trackingNumber',
          detail:
            '7: The tracking number may be incorrect or the status update is not yet available. Please verify your tracking number and try again later.',
        },
      ]);
    }
    const meta = label.meta as Record<string, string | undefined>;
    const events = [...history].reverse().map((e) => {
      const usps = USPS_EVENTS[e.code] ?? { code: e.code, type: e.description, where: 'none' as const };
      const place =
        usps.where === 'from'
          ? { eventCity: meta.fromCity ?? null, eventZIP: meta.fromZIP ?? null }
          : usps.where === 'to'
            ? {
                eventCity: meta.toCity ?? null,
                eventState: meta.toState ?? null,
                eventZIP: meta.toZIP ?? null,
              }
            : {};
      return {
        eventType: usps.type,
        eventTimestamp: e.at.slice(0, 19),
        GMTTimestamp: e.at,
        GMTOffset: '+00:00',
        eventCountry: null,
        ...place,
        eventCode: usps.code,
      };
    });
    const latest = history[history.length - 1];
    const category = latest ? CATEGORY[latest.status] : 'Unknown';
    const detail = c.req.query('expand') === 'DETAIL';
    return c.json({
      trackingNumber,
      mailClass: label.service,
      destinationCity: meta.toCity,
      destinationState: meta.toState,
      destinationZIP: meta.toZIP,
      status: events[0]?.eventType ?? 'Label Created',
      statusCategory: category,
      statusSummary: `Your item status: ${events[0]?.eventType ?? 'Label Created'}.`,
      ...(detail ? { trackingEvents: events } : {}),
    });
  });
}
