/** UPS as the gateway sees it: profile plus mappings. */
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { decodeApiError } from './mapping/errors.ts';
import { createUpsLabel } from './mapping/labels.ts';
import { rateWithUps } from './mapping/rates.ts';
import { trackWithUps } from './mapping/tracking.ts';
import { apiHeaders } from './mapping/wire.ts';
import {
  servicesForRoute,
  UPS_HOSTS,
  UPS_ID,
  UPS_LABEL_FORMATS,
  UPS_LIMITS,
  UPS_PATHS,
  UPS_REQUIRED_SETTINGS,
  UPS_SERVICES,
  upsAuth,
} from './profile.ts';

/** A well-formed UPS number that exists nowhere: tracking answers 200 + TW0001 with a valid token. */
const PROBE_INQUIRY = '1Z0000000000000000';

export const carrier: CarrierDefinition = {
  id: UPS_ID,
  displayName: 'UPS',
  hosts: UPS_HOSTS,
  auth: upsAuth,
  requiredSettings: UPS_REQUIRED_SETTINGS,
  services: UPS_SERVICES,
  // One code, different services by origin (US, Canada, EU, other): UPS's own tables.
  servicesFor: servicesForRoute,
  labelFormats: UPS_LABEL_FORMATS,
  limits: UPS_LIMITS,
  rateSource: 'live',
  // UPS ships between any two countries it serves; refusals come back per request.
  servesRoute: (route) => /^[A-Z]{2}$/.test(route.from) && /^[A-Z]{2}$/.test(route.to),
  rate: rateWithUps,
  createLabel: createUpsLabel,
  track: trackWithUps,
  decodeError: decodeApiError,
  // Authenticated and side-effect free: any 2xx (even "not found") proves token and API work.
  async probe(ctx) {
    await ctx.request({
      method: 'GET',
      path: UPS_PATHS.track(PROBE_INQUIRY),
      query: { locale: 'en_US' },
      headers: apiHeaders(false),
      operation: 'probe',
    });
  },
};
