/** Per-carrier resilience policies from the loaded configuration (defaults where unset). */
import { type CarrierPolicy, DEFAULT_POLICY } from '../resilience/settings.ts';
import type { GatewayConfig } from './schema.ts';

export function policiesFrom(
  config: GatewayConfig,
  carrierIds: readonly string[],
  defaultFallbacks: Readonly<Record<string, readonly string[]>> = {},
): Record<string, CarrierPolicy> {
  const policies: Record<string, CarrierPolicy> = {};
  for (const id of carrierIds) {
    const carrier = config.carriers[id];
    policies[id] = carrier
      ? { fallbacks: carrier.fallbacks, breaker: carrier.breaker, timeouts: carrier.timeouts }
      : { ...DEFAULT_POLICY, fallbacks: defaultFallbacks[id] ?? [] };
  }
  return policies;
}
