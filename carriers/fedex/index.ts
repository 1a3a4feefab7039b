/** FedEx (REST APIs): the carrier definition assembled from profile, services and mapping. */
import type { CarrierDefinition, UpstreamResponse } from '../../src/carrier/definition.ts';
import { decodeApiError } from './mapping/errors.ts';
import { fedexPost } from './mapping/http.ts';
import { createLabel } from './mapping/labels.ts';
import { fetchRates } from './mapping/rates.ts';
import { buildTrackRequest, TRACK_PATH, track } from './mapping/tracking.ts';
import {
  DOMESTIC_COUNTRIES,
  EMBARGOED,
  FEDEX_AUTH,
  FEDEX_HOSTS,
  FEDEX_ID,
  FEDEX_LABEL_FORMATS,
  FEDEX_LIMITS,
  FEDEX_REQUIRED_SETTINGS,
} from './profile.ts';
import { FEDEX_SERVICES } from './services.ts';

/** A tracking number FedEx answers for without creating anything: the probe's light call. */
export const PROBE_TRACKING_NUMBER = '123456789012';

export const carrier: CarrierDefinition = {
  id: FEDEX_ID,
  displayName: 'FedEx',
  hosts: FEDEX_HOSTS,
  auth: FEDEX_AUTH,
  requiredSettings: FEDEX_REQUIRED_SETTINGS,
  services: FEDEX_SERVICES,
  labelFormats: FEDEX_LABEL_FORMATS,
  limits: FEDEX_LIMITS,
  rateSource: 'live',
  servesRoute({ from, to }) {
    if (EMBARGOED.has(from) || EMBARGOED.has(to)) return false;
    return from !== to || DOMESTIC_COUNTRIES.has(from);
  },
  rate: fetchRates,
  createLabel,
  track,
  decodeError: (res: UpstreamResponse) =>
    decodeApiError({ status: res.status, headers: res.headers, json: res.json() }),
  async probe(ctx) {
    // Any 2xx proves the token works: an unknown number is answered 200 with a per-number error.
    await ctx.request(fedexPost('probe', TRACK_PATH, buildTrackRequest(PROBE_TRACKING_NUMBER)));
  },
};
