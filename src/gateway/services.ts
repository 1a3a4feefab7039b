/** Resolving a requested service (code or unified level) to a carrier's service, for a route. */
import type { CarrierDefinition, Route, ServiceDefinition } from '../carrier/definition.ts';
import type { ServiceLevel } from '../domain/shipment.ts';

export const isDomestic = (route: Route): boolean => route.from === route.to;

const fitsRoute = (service: ServiceDefinition, route: Route): boolean =>
  service.scope === 'both' || service.scope === (isDomestic(route) ? 'domestic' : 'international');

export function serviceByCode(carrier: CarrierDefinition, code: string): ServiceDefinition | undefined {
  return carrier.services.find((s) => s.code === code);
}

/** The carrier's first service of this level that serves the route: the failover equivalent. */
export function serviceByLevel(
  carrier: CarrierDefinition,
  level: ServiceLevel,
  route: Route,
): ServiceDefinition | undefined {
  return carrier.services.find((s) => s.level === level && fitsRoute(s, route));
}
