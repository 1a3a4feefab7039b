/** Tracking lookup -> FedEx Track API (`POST /track/v1/trackingnumbers`) -> normalised events. */
import type { CarrierContext } from '../../../src/carrier/definition.ts';
import { refusedInAnswer } from '../../../src/carrier/outcomes.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { fedexPost, readSuccess } from './http.ts';
import { type ScanEvent, TrackResponseBody } from './wire.ts';

export const TRACK_PATH = '/track/v1/trackingnumbers';

export function buildTrackRequest(trackingNumber: string): Record<string, unknown> {
  return { includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber } }] };
}

// biome-ignore format: a table of codes reads better packed
const IN_TRANSIT = new Set([
  'AA', 'AC', 'AD', 'AE', 'AF', 'AO', 'AP', 'AR', 'AX', 'CC', 'CH', 'CP', 'DP', 'DR', 'DS', 'EA', 'ED', 'EO',
  'EP', 'FD', 'HL', 'HP', 'IT', 'IX', 'LO', 'OF', 'OX', 'PF', 'PL', 'PM', 'PU', 'PX', 'RC', 'RL', 'RR', 'SF',
  'SH', 'SP', 'TR',
]);

const EXCEPTION = new Set(['CA', 'CD', 'DE', 'DY', 'RS', 'SE']);

/** FedEx (derived) status and scan codes -> unified status. */
export function trackingStatusOf(code: string | undefined): TrackingStatus {
  if (!code) return 'unknown';
  if (code === 'OC') return 'pre_transit';
  if (code === 'OD') return 'out_for_delivery';
  if (code === 'DL') return 'delivered';
  if (EXCEPTION.has(code)) return 'exception';
  if (IN_TRANSIT.has(code)) return 'in_transit';
  return 'unknown';
}

/** The first of the codes with a known status. */
function firstKnown(...codes: (string | undefined)[]): TrackingStatus {
  for (const code of codes) {
    const status = trackingStatusOf(code);
    if (status !== 'unknown') return status;
  }
  return 'unknown';
}

function eventOf(scan: ScanEvent): TrackingEvent {
  const loc = scan.scanLocation;
  const location = {
    ...(loc?.city ? { city: loc.city } : {}),
    ...(loc?.postalCode ? { postalCode: loc.postalCode } : {}),
    ...(loc?.countryCode ? { countryCode: loc.countryCode } : {}),
  };
  return {
    at: scan.date,
    status: firstKnown(scan.eventType, scan.derivedStatusCode),
    description: scan.eventDescription || scan.derivedStatus || scan.eventType || 'Scan',
    ...(scan.eventType ? { code: scan.eventType } : {}),
    ...(Object.keys(location).length > 0 ? { location } : {}),
  };
}

/** Reads a Track API answer for one number; a per-number `error` inside the 200 is a refusal. */
export function parseTrackResponse(
  ctx: CarrierContext,
  body: TrackResponseBody,
  trackingNumber: string,
): Tracking {
  const complete = body.output.completeTrackResults[0];
  const result = complete?.trackResults[0];
  // A number FedEx names without any result (unreadable or absent): known, nothing to show yet.
  if (!result && complete?.trackingNumber) {
    return { carrier: ctx.carrier, trackingNumber: complete.trackingNumber, status: 'unknown', events: [] };
  }
  // A result may carry an `error` beside real scans (the spec example does): scans win.
  const empty = !result || (!result.latestStatusDetail && result.scanEvents.length === 0);
  if (!result || (result.error && empty)) {
    throw refusedInAnswer(ctx, 200, {
      failureClass: 'rejected',
      message: result?.error?.message ?? 'FedEx returned no tracking result',
      code: result?.error?.code ?? 'TRACKING.RESULT.EMPTY',
    });
  }
  const latest = result.latestStatusDetail;
  const events = result.scanEvents.map(eventOf);
  // FedEx lists scans newest first, so the first event is the fallback for the latest status.
  const status = firstKnown(latest?.derivedCode, latest?.code, events[0]?.code);
  return {
    carrier: ctx.carrier,
    trackingNumber: complete?.trackingNumber || result.trackingNumberInfo?.trackingNumber || trackingNumber,
    status,
    events,
  };
}

export async function track(ctx: CarrierContext, trackingNumber: string): Promise<Tracking> {
  const res = await ctx.request(fedexPost('track', TRACK_PATH, buildTrackRequest(trackingNumber)));
  return parseTrackResponse(ctx, readSuccess(ctx, res, TrackResponseBody).value, trackingNumber);
}
