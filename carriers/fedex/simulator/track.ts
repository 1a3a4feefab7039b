/**
 * `POST /track/v1/trackingnumbers`: history of labels in the kit's label book, newest scan
 * first as FedEx lists them. Unknown numbers answer 200 with a per-number `error`.
 */
import type { Hono } from 'hono';
import type { LabelRecord, SimContext, SimTrackingEvent } from '../../../sandbox/kit/index.ts';
import { apiGuard } from '../../../sandbox/kit/index.ts';
import { fedexService } from '../services.ts';
import { fedexRenderer } from './renderer.ts';
import { jsonBody, parseBody, TrackBody } from './requests.ts';
import { MESSAGES, outputResponse, refusal } from './wire.ts';

/** Kit status -> FedEx scan code and derived status. */
const SCAN: Record<SimTrackingEvent['status'], [string, string, string]> = {
  pre_transit: ['OC', 'Shipment information sent to FedEx', 'Label created'],
  in_transit: ['IT', 'On the way', 'In transit'],
  out_for_delivery: ['OD', 'On FedEx vehicle for delivery', 'Out for delivery'],
  delivered: ['DL', 'Delivered', 'Delivered'],
  exception: ['DE', 'Delivery exception', 'Delivery exception'],
  unknown: ['IT', 'In transit', 'In transit'],
};

/** FedEx writes local times with an offset: 2018-02-02T12:01:00-07:00. */
const fedexTime = (iso: string): string => `${iso.slice(0, 19)}+00:00`;

function scanOf(event: SimTrackingEvent) {
  const [code, description, derived] = SCAN[event.status];
  const eventType = event.code === 'PU' ? 'PU' : code;
  return {
    date: fedexTime(event.at),
    eventType,
    eventDescription: eventType === 'PU' ? 'Picked up' : description,
    exceptionCode: '',
    exceptionDescription: '',
    scanLocation: {
      streetLines: [''],
      ...(event.location?.city ? { city: event.location.city } : {}),
      ...(event.location?.postalCode ? { postalCode: event.location.postalCode } : {}),
      ...(event.location?.countryCode ? { countryCode: event.location.countryCode } : {}),
      residential: false,
    },
    derivedStatusCode: eventType === 'PU' ? 'PU' : code,
    derivedStatus: eventType === 'PU' ? 'Picked up' : derived,
  };
}

function resultOf(label: LabelRecord, events: SimTrackingEvent[]) {
  const scans = events.map(scanOf).reverse();
  const latest = scans[0];
  const service = fedexService(label.service);
  return {
    trackingNumberInfo: {
      trackingNumber: label.trackingNumber,
      trackingNumberUniqueId: `12025~${label.trackingNumber}~FX`,
      carrierCode: service?.level === 'ground' ? 'FDXG' : 'FDXE',
    },
    latestStatusDetail: latest
      ? {
          code: latest.eventType,
          derivedCode: latest.derivedStatusCode,
          statusByLocale: latest.derivedStatus,
          description: latest.eventDescription,
          scanLocation: latest.scanLocation,
        }
      : undefined,
    serviceDetail: { type: label.service, description: service?.name ?? label.service },
    dateAndTimes: [{ type: 'SHIP', dateTime: fedexTime(new Date(label.createdAt).toISOString()) }],
    scanEvents: scans,
  };
}

export function mountTrack(app: Hono, sim: SimContext): void {
  app.post('/track/v1/trackingnumbers', apiGuard(sim, fedexRenderer, { endpoint: 'track' }), async (c) => {
    const parsed = parseBody(TrackBody, await jsonBody(c.req));
    const numbers = parsed.ok
      ? parsed.value.trackingInfo.map((t) => t.trackingNumberInfo.trackingNumber?.trim() ?? '')
      : [];
    if (numbers.length === 0 || numbers.includes('')) {
      return refusal(c, 400, [{ code: 'TRACKING.TRACKINGNUMBER.EMPTY', message: MESSAGES.trackingEmpty }]);
    }
    const completeTrackResults = numbers.map((trackingNumber) => {
      const label = sim.labels.find(trackingNumber);
      const events = sim.labels.events(trackingNumber);
      return {
        trackingNumber,
        trackResults: [
          label && events
            ? resultOf(label, events)
            : {
                trackingNumberInfo: { trackingNumber, trackingNumberUniqueId: '', carrierCode: '' },
                error: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: MESSAGES.trackingNotFound },
              },
        ],
      };
    });
    return outputResponse(c, { completeTrackResults });
  });
}
