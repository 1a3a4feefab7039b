/**
 * GET /api/track/v1/details/{inquiryNumber} -> unified tracking events.
 * Quirk: an unknown but well-formed number is HTTP 200 with
 * trackResponse.shipment[0].warnings[{code:"TW0001","message":"Tracking Information Not Found"}]
 * and no package; a malformed one is HTTP 400 TV1002 "Invalid inquiry number".
 */
import { z } from '@hono/zod-openapi';
import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { interpretAnswer, refusedInAnswer } from '../../../src/carrier/outcomes.ts';
import { identity, openEnum, optionalList, text } from '../../../src/carrier/wire.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { UPS_ID, UPS_PATHS } from '../profile.ts';
import { apiHeaders } from './wire.ts';

/** Activity status types UPS documents (see statusFromUps). */
const STATUS_TYPES = ['M', 'MV', 'P', 'I', 'O', 'D', 'X', 'RS', 'DO', 'DD', 'W', 'NA'] as const;

const Status = z.object({
  type: openEnum('UPS activity status type', STATUS_TYPES).optional(),
  code: z.string().optional(),
  description: z.string().optional(),
  statusCode: z.string().optional(),
});

const Activity = z.object({
  date: z.string().optional(),
  time: z.string().optional(),
  gmtDate: z.string().optional(),
  gmtTime: z.string().optional(),
  gmtOffset: z.string().optional(),
  location: z
    .object({
      address: z
        .object({
          city: z.string().optional(),
          postalCode: z.string().optional(),
          countryCode: z.string().optional(),
          country: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  status: Status.optional(),
});
type Activity = z.infer<typeof Activity>;

const Package = z.object({
  trackingNumber: identity.optional(),
  currentStatus: Status.optional(),
  activity: optionalList(Activity),
});

export const TrackResponseBody = z.object({
  trackResponse: z.object({
    shipment: optionalList(
      z.object({
        inquiryNumber: text.optional(),
        package: optionalList(Package),
        warnings: optionalList(z.object({ code: text, message: text.optional() })),
      }),
    ),
  }),
});

/**
 * UPS activity status types: M manifest (label created), P pickup, I in transit, O out for
 * delivery, D delivered, X exception, RS returned to shipper, MV manifest voided.
 */
export function statusFromUps(status: z.infer<typeof Status> | undefined): TrackingStatus {
  const type = status?.type?.toUpperCase();
  const description = status?.description ?? '';
  switch (type) {
    case 'M':
    case 'MV':
      return 'pre_transit';
    case 'D':
      return 'delivered';
    case 'X':
    case 'RS':
      return 'exception';
    case 'O':
      return 'out_for_delivery';
    case 'P':
    case 'I':
      return /out for delivery/i.test(description) ? 'out_for_delivery' : 'in_transit';
    default:
      return 'unknown';
  }
}

const digits = (value: string | undefined, length: number): string | undefined =>
  value && /^\d+$/.test(value) && value.length <= length ? value.padStart(length, '0') : undefined;

/** ISO 8601: from the GMT fields when present (exact instant), else the local date and time. */
export function activityInstant(a: Activity): string | undefined {
  const gmtDate = digits(a.gmtDate, 8);
  const gmtTime = digits(a.gmtTime, 6);
  const fmt = (d: string, t: string) =>
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`;
  if (gmtDate && gmtTime) return `${fmt(gmtDate, gmtTime)}Z`;
  const date = digits(a.date, 8);
  if (!date) return undefined;
  return fmt(date, digits(a.time, 6) ?? '000000');
}

function toEvent(a: Activity): TrackingEvent | undefined {
  const at = activityInstant(a);
  if (!at) return undefined;
  const address = a.location?.address;
  const location = {
    ...(address?.city ? { city: address.city } : {}),
    ...(address?.postalCode ? { postalCode: address.postalCode } : {}),
    ...(address?.countryCode || address?.country
      ? { countryCode: address.countryCode ?? address.country }
      : {}),
  };
  const code = a.status?.code ?? a.status?.statusCode;
  return {
    at,
    status: statusFromUps(a.status),
    description: a.status?.description?.trim() || 'Status update',
    ...(code ? { code } : {}),
    ...(Object.keys(location).length > 0 ? { location } : {}),
  };
}

export type TrackParse =
  | { found: true; tracking: Tracking }
  | { found: false; code: string; message: string };

export function parseTrackResponse(json: unknown, trackingNumber: string): TrackParse {
  const shipment = readBody(TrackResponseBody, json).value.trackResponse.shipment[0];
  const pkg = shipment?.package[0];
  if (!pkg) {
    const warning = shipment?.warnings[0];
    return {
      found: false,
      code: warning?.code ?? 'TW0001',
      message: warning?.message ?? 'Tracking Information Not Found',
    };
  }
  // UPS lists activities most recent first; keep that order.
  const events = pkg.activity.flatMap((a) => {
    const e = toEvent(a);
    return e ? [e] : [];
  });
  const status = pkg.currentStatus ? statusFromUps(pkg.currentStatus) : (events[0]?.status ?? 'unknown');
  return {
    found: true,
    tracking: { carrier: UPS_ID, trackingNumber: pkg.trackingNumber ?? trackingNumber, status, events },
  };
}

export async function trackWithUps(ctx: CarrierContext, trackingNumber: string): Promise<Tracking> {
  const res = await ctx.request({
    method: 'GET',
    path: UPS_PATHS.track(trackingNumber),
    query: { locale: 'en_US', returnSignature: 'false', returnMilestones: 'false', returnPOD: 'false' },
    headers: apiHeaders(false),
    operation: 'track',
  });
  const parsed = interpretAnswer(ctx, res, (json) => parseTrackResponse(json, trackingNumber));
  if (!parsed.found) {
    throw refusedInAnswer(ctx, res.status, {
      failureClass: 'rejected',
      code: parsed.code,
      message: parsed.message,
    });
  }
  return parsed.tracking;
}
