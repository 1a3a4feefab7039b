/** GET /v1/tracking/{carrier}/{trackingNumber}: normalised events from the carrier. */
import { NotFoundError } from '../domain/errors.ts';
import type { Tracking } from '../domain/shipment.ts';
import { blockedByBreaker, type GatewayCore } from './core.ts';

export async function track(
  core: GatewayCore,
  carrierId: string,
  trackingNumber: string,
  signal?: AbortSignal,
): Promise<Tracking> {
  const carrier = core.directory.carrier(carrierId);
  const account = carrier && core.directory.account(carrierId);
  if (!carrier || !account) throw new NotFoundError(`carrier '${carrierId}' is not configured`, '/carrier');
  const blocked = blockedByBreaker(core, carrier.id, account.id);
  if (blocked) throw blocked;
  return carrier.track(core.upstream.context(carrier, account, signal), trackingNumber);
}
