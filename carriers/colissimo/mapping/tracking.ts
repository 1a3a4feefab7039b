/**
 * Tracking through La Poste Suivi v2 on the 'tracking' host. The answer is an array of
 * per-id entries whose `returnCode` (200, 104, ...) differs from the HTTP status; 207 means
 * mixed results. Events come newest first.
 */

import { readBody } from '../../../src/carrier/body.ts';
import type { CarrierContext, UpstreamResponse } from '../../../src/carrier/definition.ts';
import { interpretAnswer } from '../../../src/carrier/outcomes.ts';
import { CarrierError } from '../../../src/domain/failure.ts';
import type { Tracking, TrackingEvent, TrackingStatus } from '../../../src/domain/shipment.ts';
import { CARRIER_ID, PATHS } from '../profile.ts';
import { SuiviAnswer, type SuiviEntry } from './wire.ts';

/**
 * Suivi v2 event codes (La Poste event catalogue as used by karrio's laposte connector
 * units.py and the Suivi API documentation): DR = declared, PC = taken in charge,
 * ET/EP/DO = in transit / customs, MD = out for delivery, AG = awaiting pickup,
 * DI = delivered, PB/ND/RE = problems and returns.
 */
const STATUS_BY_CODE: Readonly<Record<string, TrackingStatus>> = {
  DR1: 'pre_transit',
  PC1: 'in_transit',
  PC2: 'in_transit',
  ET1: 'in_transit',
  ET2: 'in_transit',
  ET3: 'in_transit',
  ET4: 'in_transit',
  EP1: 'in_transit',
  DO1: 'in_transit',
  DO2: 'in_transit',
  PB2: 'in_transit',
  AG1: 'in_transit',
  MD2: 'out_for_delivery',
  DI1: 'delivered',
  DI3: 'delivered',
  DI2: 'exception',
  DO3: 'exception',
  PB1: 'exception',
  ND1: 'exception',
  RE1: 'exception',
};

export const statusOfEventCode = (code: string): TrackingStatus => STATUS_BY_CODE[code] ?? 'unknown';

/** Okapi returnCodes of an entry that carries a shipment. */
const FOUND: ReadonlySet<number> = new Set([200, 201]);

export function trackingPath(ids: readonly string[]): string {
  return `${PATHS.suivi}${ids.map(encodeURIComponent).join(',')}`;
}

/** Maps one found Suivi entry to the unified Tracking. */
export function toTracking(entry: SuiviEntry, trackingNumber: string): Tracking {
  const shipment = entry.shipment;
  const events: TrackingEvent[] = (shipment?.event ?? []).map((e) => ({
    at: e.date,
    status: statusOfEventCode(e.code),
    description: e.label,
    code: e.code,
  }));
  const latest = events.find((e) => e.status !== 'unknown');
  const status: TrackingStatus = shipment?.isFinal ? 'delivered' : (latest?.status ?? 'unknown');
  return { carrier: CARRIER_ID, trackingNumber: shipment?.idShip ?? trackingNumber, status, events };
}

/**
 * Reads a 200/207 Suivi answer for one id. A per-id error entry inside a 2xx (104 not yet
 * available, 105 unknown, ...) is a rejection of that id, thrown as a CarrierError.
 */
export function parseTrackingResponse(
  res: UpstreamResponse,
  trackingNumber: string,
  who: Pick<CarrierContext, 'carrier' | 'account'>,
): Tracking {
  const entries = interpretAnswer(who, res, (json) => readBody(SuiviAnswer, json).value);
  const entry =
    entries.find((e) => (e.shipment?.idShip ?? e.idShip) === trackingNumber) ??
    (entries.length === 1 ? entries[0] : undefined);
  if (!entry)
    throw new CarrierError({
      carrier: who.carrier,
      account: who.account.id,
      failureClass: 'rejected',
      outcome: 'rejected',
      code: 'NOT_IN_ANSWER',
      message: `La Poste tracking answer holds no entry for ${trackingNumber}`,
      status: res.status,
    });
  // A shipment without a readable returnCode is still the shipment La Poste sent.
  const found = entry.returnCode === undefined ? entry.shipment !== undefined : FOUND.has(entry.returnCode);
  if (!found || !entry.shipment)
    throw new CarrierError({
      carrier: who.carrier,
      account: who.account.id,
      failureClass: entry.returnCode === 504 ? 'unavailable' : 'rejected',
      outcome: 'rejected',
      code: String(entry.returnCode ?? 'NO_SHIPMENT'),
      message: entry.returnMessage ?? `La Poste tracking returnCode ${entry.returnCode}`,
      status: res.status,
    });
  return toTracking(entry, trackingNumber);
}

export async function track(ctx: CarrierContext, trackingNumber: string): Promise<Tracking> {
  const res = await ctx.request({
    method: 'GET',
    host: 'tracking',
    path: trackingPath([trackingNumber]),
    query: { lang: 'fr_FR' },
    // Two credentials on two hosts: the account's primary credential (contract/password or
    // Colissimo apiKey) belongs to the labels host; Okapi wants its own key. So this call asks
    // the gateway to attach nothing (auth: false) and sends the Okapi key itself.
    auth: false,
    headers: { accept: 'application/json', 'x-okapi-key': ctx.secret('okapiKey') },
    operation: 'track',
  });
  return parseTrackingResponse(res, trackingNumber, {
    carrier: ctx.carrier || CARRIER_ID,
    account: ctx.account,
  });
}
