/**
 * FedEx service types (the `serviceType` values of the Rate and Ship APIs) with their unified
 * level and scope. Freight and intra-country specials are left out: the gateway sells parcels.
 */
import type { ServiceDefinition } from '../../src/carrier/definition.ts';

export const FEDEX_SERVICES: readonly ServiceDefinition[] = [
  {
    code: 'FIRST_OVERNIGHT',
    name: 'FedEx First Overnight',
    level: 'overnight',
    scope: 'domestic',
    transitDays: 1,
  },
  {
    code: 'PRIORITY_OVERNIGHT',
    name: 'FedEx Priority Overnight',
    level: 'overnight',
    scope: 'domestic',
    transitDays: 1,
  },
  {
    code: 'STANDARD_OVERNIGHT',
    name: 'FedEx Standard Overnight',
    level: 'overnight',
    scope: 'domestic',
    transitDays: 1,
  },
  { code: 'FEDEX_2_DAY_AM', name: 'FedEx 2Day A.M.', level: 'express', scope: 'domestic', transitDays: 2 },
  { code: 'FEDEX_2_DAY', name: 'FedEx 2Day', level: 'express', scope: 'domestic', transitDays: 2 },
  {
    code: 'FEDEX_EXPRESS_SAVER',
    name: 'FedEx Express Saver',
    level: 'express',
    scope: 'domestic',
    transitDays: 3,
  },
  // FedEx Ground also runs US <-> Canada, hence 'both'.
  { code: 'FEDEX_GROUND', name: 'FedEx Ground', level: 'ground', scope: 'both', transitDays: 5 },
  {
    code: 'GROUND_HOME_DELIVERY',
    name: 'FedEx Home Delivery',
    level: 'ground',
    scope: 'domestic',
    transitDays: 5,
  },
  { code: 'SMART_POST', name: 'FedEx Ground Economy', level: 'economy', scope: 'domestic', transitDays: 7 },
  {
    code: 'INTERNATIONAL_FIRST',
    name: 'FedEx International First',
    level: 'express',
    scope: 'international',
    transitDays: 2,
  },
  {
    code: 'FEDEX_INTERNATIONAL_PRIORITY_EXPRESS',
    name: 'FedEx International Priority Express',
    level: 'express',
    scope: 'international',
    transitDays: 2,
  },
  {
    code: 'FEDEX_INTERNATIONAL_PRIORITY',
    name: 'FedEx International Priority',
    level: 'express',
    scope: 'international',
    transitDays: 3,
  },
  // The older name still answered by the Rate API (spec RateOutputVO example).
  {
    code: 'INTERNATIONAL_PRIORITY',
    name: 'FedEx International Priority',
    level: 'express',
    scope: 'international',
    transitDays: 3,
  },
  {
    code: 'FEDEX_INTERNATIONAL_CONNECT_PLUS',
    name: 'FedEx International Connect Plus',
    level: 'standard',
    scope: 'international',
    transitDays: 5,
  },
  {
    code: 'INTERNATIONAL_ECONOMY',
    name: 'FedEx International Economy',
    level: 'economy',
    scope: 'international',
    transitDays: 5,
  },
];

const BY_CODE = new Map(FEDEX_SERVICES.map((s) => [s.code, s]));

export const fedexService = (code: string): ServiceDefinition | undefined => BY_CODE.get(code);
