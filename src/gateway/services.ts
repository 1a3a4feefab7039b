/** Resolving a requested service (code or unified level) to a carrier's service, for a route. */
import type { CarrierDefinition, Route, ServiceDefinition } from '../carrier/definition.ts';
import type { ServiceLevel } from '../domain/shipment.ts';

export const isDomestic = (route: Route): boolean => route.from === route.to;

const fitsRoute = (service: ServiceDefinition, route: Route): boolean =>
  service.scope === 'both' || service.scope === (isDomestic(route) ? 'domestic' : 'international');

/** The carrier's services on a route: its own route table when codes depend on the origin. */
export function servicesOn(carrier: CarrierDefinition, route: Route): readonly ServiceDefinition[] {
  return carrier.servicesFor
    ? carrier.servicesFor(route)
    : carrier.services.filter((s) => fitsRoute(s, route));
}

/** A service by code: as it is defined on the route when given, else the first listed. */
export function serviceByCode(
  carrier: CarrierDefinition,
  code: string,
  route?: Route,
): ServiceDefinition | undefined {
  if (route && carrier.servicesFor) return carrier.servicesFor(route).find((s) => s.code === code);
  return carrier.services.find((s) => s.code === code);
}

/** The carrier's first service of this level that serves the route: the failover equivalent. */
export function serviceByLevel(
  carrier: CarrierDefinition,
  level: ServiceLevel,
  route: Route,
): ServiceDefinition | undefined {
  return servicesOn(carrier, route).find((s) => s.level === level);
}
