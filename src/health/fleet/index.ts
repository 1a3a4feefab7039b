/**
 * Monitoring that sees the whole fleet, over the control plane: the traffic every instance
 * saw (signals), one probe per account and interval with its latest result shared, last use
 * and the fleet's start (dormancy), and one incident book. Health reads the fleet before each
 * evaluation and shares its own view after it; without a shared control plane (one process)
 * none of this exists and health judges what its process saw.
 */
import type { ControlPlane } from '../../control/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { Alert } from '../alerts/types.ts';
import type { ProbeBook } from '../probe/book.ts';
import type { HealthSettings } from '../settings.ts';
import type { WindowSummary } from '../signals.ts';
import { createFleetIncidents, type FleetIncidents } from './incidents.ts';
import { createFleetLastUse, type FleetLastUse } from './last-use.ts';
import { createFleetProbes, type FleetProbes } from './probes.ts';
import { createFleetSignals, type FleetSignals } from './signals.ts';

export interface FleetHealth {
  signals: FleetSignals;
  probes: FleetProbes;
  lastUse: FleetLastUse;
  incidents: FleetIncidents;
  /** Reads what the fleet shared; adopts newer probe results into `book`. */
  refresh(book: ProbeBook): Promise<void>;
  /** Shares this instance's window of every account (and newer uses). */
  publish(own: ReadonlyMap<string, WindowSummary>): Promise<void>;
}

export interface FleetHealthDeps {
  settings: HealthSettings;
  now(): number;
  logger: Logger;
  notify(alert: Alert): void;
}

export function createFleetHealth(control: ControlPlane, deps: FleetHealthDeps): FleetHealth {
  const { settings, now } = deps;
  // An instance that missed three evaluations no longer speaks for the fleet.
  const staleMs = settings.evaluateIntervalMs * 3;
  const signals = createFleetSignals(control, now, staleMs);
  const probes = createFleetProbes(control, now);
  const lastUse = createFleetLastUse(control, now);
  const incidents = createFleetIncidents(control, {
    now,
    clearForMs: settings.clearForMs,
    cooldownMs: settings.cooldownMs,
    staleMs,
    notify: deps.notify,
    logger: deps.logger,
    recentLimit: settings.recentLimit,
  });
  return {
    signals,
    probes,
    lastUse,
    incidents,
    async refresh(book) {
      await Promise.all([signals.refresh(), lastUse.refresh(), incidents.refresh()]);
      for (const result of await probes.latest()) book.adopt(result);
    },
    async publish(own) {
      const used = new Map<string, number>();
      for (const [key, summary] of own)
        if (summary.lastUsedAt !== undefined) used.set(key, summary.lastUsedAt);
      await Promise.all([signals.publish(own), lastUse.record(used)]);
    },
  };
}
