/** Health settings and per-account probe and rotation policies, read off the loaded configuration. */
import type { GatewayConfig } from '../config/schema.ts';
import type { AccountHealthConfig } from './context.ts';
import type { HealthSettingsInput } from './settings.ts';

export function healthSettingsFromConfig(config: GatewayConfig): HealthSettingsInput {
  const a = config.alerts;
  return {
    probeIntervalMs: config.probes.intervalMs,
    ...(a?.windowMs !== undefined ? { windowMs: a.windowMs } : {}),
    ...(a?.clearForMs !== undefined ? { clearForMs: a.clearForMs } : {}),
    ...(a?.cooldownMs !== undefined ? { cooldownMs: a.cooldownMs } : {}),
    ...(a?.evaluateIntervalMs !== undefined ? { evaluateIntervalMs: a.evaluateIntervalMs } : {}),
    ...(a?.geo ? { geo: a.geo } : {}),
    ...(a?.thresholds ? { thresholds: a.thresholds } : {}),
    ...(a?.webhook ? { webhook: a.webhook } : {}),
  };
}

export function accountHealthConfigFrom(
  config: GatewayConfig,
): (carrier: string, account: string) => AccountHealthConfig | undefined {
  return (carrier, account) => {
    const found = config.carriers[carrier]?.accounts.find((a) => a.id === account);
    if (found === undefined) return undefined;
    return { probe: found.probe, ...(found.rotation ? { rotation: found.rotation } : {}) };
  };
}
