/**
 * `GET /track/shipments` of the DHL Shipment Tracking (Unified) API: API key in
 * `DHL-API-Key`, events newest first, statusCode pre-transit/transit/delivered/failure.
 */
import type { Hono } from 'hono';
import {
  guardedAccount,
  jsonResponse,
  type SimContext,
  type SimTrackingEvent,
} from '../../../sandbox/kit/index.ts';
import { ALPHA3_TO_ALPHA2 } from '../../../src/domain/countries.ts';
import { TRACKING_PATH } from '../profile.ts';
import { problem } from './renderer.ts';

const WORDING: Record<string, { statusCode: string; status: string; description: string }> = {
  LC: {
    statusCode: 'pre-transit',
    status: 'PRE-TRANSIT',
    description:
      'The instruction data for this shipment have been provided by the sender to DHL electronically',
  },
  PU: { statusCode: 'transit', status: 'TRANSIT', description: 'The shipment has been picked up' },
  IT: {
    statusCode: 'transit',
    status: 'TRANSIT',
    description: 'The shipment has been processed in the parcel center',
  },
  OD: {
    statusCode: 'transit',
    status: 'TRANSIT',
    description: 'The shipment has been loaded onto the delivery vehicle',
  },
  DL: {
    statusCode: 'delivered',
    status: 'DELIVERED',
    description: 'The shipment has been successfully delivered',
  },
};

function toEvent(e: SimTrackingEvent, destination: Record<string, string>) {
  const w = WORDING[e.code] ?? { statusCode: 'unknown', status: 'UNKNOWN', description: e.description };
  const atDestination = e.code === 'OD' || e.code === 'DL';
  return {
    timestamp: e.at,
    ...(atDestination ? { location: { address: destination } } : {}),
    statusCode: w.statusCode,
    status: w.status,
    description: w.description,
  };
}

export function registerTracking(app: Hono, sim: SimContext): void {
  app.get(TRACKING_PATH, (c) => {
    const trackingNumber = c.req.query('trackingNumber');
    if (!trackingNumber) {
      return problem(400, {
        title: 'Bad Request',
        status: 400,
        detail: 'trackingNumber is a required parameter.',
      });
    }
    const record = sim.labels.find(trackingNumber);
    if (!record || record.accountId !== guardedAccount(c)?.id) {
      return problem(404, {
        title: 'No result found',
        status: 404,
        detail: 'No shipment with given tracking number found.',
      });
    }
    const meta = record.meta as Record<string, string>;
    const destination = {
      countryCode: ALPHA3_TO_ALPHA2[meta.country ?? ''] ?? '',
      postalCode: meta.postalCode ?? '',
      addressLocality: meta.city ?? '',
    };
    const events = (sim.labels.events(trackingNumber) ?? []).map((e) => toEvent(e, destination)).reverse();
    return jsonResponse(c, {
      shipments: [
        {
          id: trackingNumber,
          service: 'parcel-de',
          destination: { address: destination },
          ...(events[0] ? { status: events[0] } : {}),
          details: { product: { productName: record.service } },
          events,
        },
      ],
    });
  });
}
