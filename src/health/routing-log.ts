/** Tells the monitor about failovers: every routing record of rates and labels the API serves. */
import type { RoutingRecord } from '../domain/shipment.ts';
import type { GatewayService } from '../gateway/service.ts';

export function observeRouting(
  service: GatewayService,
  record: (operation: 'rates' | 'label', routing: readonly RoutingRecord[]) => void,
): GatewayService {
  return {
    async rates(request, ctx) {
      const answer = await service.rates(request, ctx);
      record('rates', answer.routing);
      return answer;
    },
    async label(request, ctx) {
      const label = await service.label(request, ctx);
      record('label', [label.routing]);
      return label;
    },
    tracking: (carrier, trackingNumber, ctx) => service.tracking(carrier, trackingNumber, ctx),
    carriers: () => service.carriers(),
    readiness: () => service.readiness(),
    close: () => service.close(),
  };
}
