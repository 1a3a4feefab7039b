/** USPS (APIs v3): the carrier definition the registry lists. */
import type { CarrierDefinition } from '../../src/carrier/definition.ts';
import { decodeUspsError } from './mapping/errors.ts';
import { createLabel } from './mapping/labels.ts';
import { probe } from './mapping/probe.ts';
import { rate } from './mapping/rates.ts';
import { track } from './mapping/tracking.ts';
import {
  US_DOMESTIC,
  USPS_HOSTS,
  USPS_ID,
  USPS_LABEL_FORMATS,
  USPS_LIMITS,
  USPS_REQUIRED_SETTINGS,
  USPS_SERVICES,
  uspsAuth,
} from './profile.ts';

export const carrier: CarrierDefinition = {
  id: USPS_ID,
  displayName: 'USPS',
  hosts: USPS_HOSTS,
  auth: uspsAuth,
  requiredSettings: USPS_REQUIRED_SETTINGS,
  services: USPS_SERVICES,
  labelFormats: USPS_LABEL_FORMATS,
  limits: USPS_LIMITS,
  rateSource: 'live',
  // USPS ships from the US and its territories, to them or abroad.
  servesRoute: (route) => US_DOMESTIC.has(route.from) && /^[A-Z]{2}$/.test(route.to),
  rate,
  createLabel,
  track,
  decodeError: decodeUspsError,
  probe,
};
