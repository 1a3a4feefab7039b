/**
 * GET /api/track/v1/details/{inquiryNumber} (Tracking.yaml). A label bought here is tracked
 * with the kit's deterministic history, most recent activity FIRST as UPS lists it. A
 * well-formed unknown number is HTTP 200 with warning TW0001 and no package; a malformed one
 * is HTTP 400 TV1002.
 */
import type { Hono } from 'hono';
import { apiGuard, type SimContext, type SimTrackingEvent } from '../../../sandbox/kit/index.ts';
import { serviceByCode } from '../profile.ts';
import { SIM_ERRORS, schemaError, upsError, upsRenderer } from './errors.ts';

/** Kit event codes -> UPS activity status (type, code, description). */
const UPS_STATUS: Record<string, { type: string; code: string; description: string }> = {
  LC: {
    type: 'M',
    code: 'MP',
    description: 'Shipper created a label, UPS has not received the package yet.',
  },
  PU: { type: 'P', code: 'PU', description: 'Pickup Scan' },
  IT: { type: 'I', code: 'DP', description: 'Departed from Facility' },
  OD: { type: 'I', code: 'OT', description: 'Out For Delivery Today' },
  DL: { type: 'D', code: 'KB', description: 'Delivered' },
};

const BY_STATUS: Record<SimTrackingEvent['status'], { type: string; code: string; description: string }> = {
  pre_transit: {
    type: 'M',
    code: 'MP',
    description: 'Shipper created a label, UPS has not received the package yet.',
  },
  in_transit: { type: 'I', code: 'DP', description: 'Departed from Facility' },
  out_for_delivery: { type: 'I', code: 'OT', description: 'Out For Delivery Today' },
  delivered: { type: 'D', code: 'KB', description: 'Delivered' },
  exception: { type: 'X', code: 'XD', description: 'Exception' },
  unknown: { type: 'I', code: 'IP', description: 'In Transit' },
};

/** ISO instant -> UPS YYYYMMDD and HHMMSS (UTC; gmtOffset says so). */
function upsDateTime(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    date: `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`,
    time: `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`,
  };
}

function activity(event: SimTrackingEvent) {
  const status = UPS_STATUS[event.code] ?? BY_STATUS[event.status];
  const { date, time } = upsDateTime(event.at);
  return {
    location: {
      address: {
        city: event.location?.city ?? '',
        stateProvince: '',
        countryCode: event.location?.countryCode ?? '',
        country: event.location?.countryCode ?? '',
        ...(event.location?.postalCode ? { postalCode: event.location.postalCode } : {}),
      },
    },
    status: { type: status.type, description: status.description, code: status.code, statusCode: '003' },
    date,
    time,
    gmtDate: date,
    gmtOffset: '+00:00',
    gmtTime: time,
  };
}

export function mountTracking(app: Hono, sim: SimContext): void {
  app.get('/api/track/v1/details/:inquiryNumber', apiGuard(sim, upsRenderer, { endpoint: 'track' }), (c) => {
    // transId and transactionSrc are required headers of this operation.
    if (!c.req.header('transId')) return upsError(400, schemaError('transId'));
    if (!c.req.header('transactionSrc')) return upsError(400, schemaError('transactionSrc'));
    const inquiry = c.req.param('inquiryNumber').trim().toUpperCase();
    if (!/^[A-Z0-9]{7,34}$/.test(inquiry)) return upsError(400, SIM_ERRORS.invalidInquiry);
    const label = sim.labels.find(inquiry);
    const events = sim.labels.events(inquiry);
    if (!label || !events) {
      return c.json({
        trackResponse: { shipment: [{ inquiryNumber: inquiry, warnings: [SIM_ERRORS.trackingNotFound] }] },
      });
    }
    const activities = [...events].reverse().map(activity);
    const current = activities[0]?.status;
    const service = serviceByCode(label.service, String(label.meta?.origin ?? 'US'));
    return c.json({
      trackResponse: {
        shipment: [
          {
            inquiryNumber: inquiry,
            package: [
              {
                trackingNumber: inquiry,
                deliveryDate: [],
                ...(current
                  ? {
                      currentStatus: {
                        description: current.description,
                        code: current.code,
                        type: current.type,
                      },
                    }
                  : {}),
                activity: activities,
                packageCount: Number(label.meta.of ?? 1),
                service: { code: label.service, description: service?.name ?? 'UPS' },
              },
            ],
          },
        ],
      },
    });
  });
}
