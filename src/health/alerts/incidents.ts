/**
 * Turns conditions into incidents: one firing notification when a condition first holds,
 * one resolution once it stayed clear for `clearForMs`, nothing in between (dedup), and no
 * new incident for the same key within `cooldownMs` of a resolution (no flapping flood).
 */
import type { Alert, AlertTriage, Condition } from './types.ts';

export interface IncidentOptions {
  now: () => number;
  clearForMs: number;
  cooldownMs: number;
  notify(alert: Alert): void;
  newId?: () => string;
}

interface Incident {
  alert: Alert;
  clearSince?: number | undefined;
}

export interface Incidents {
  /** Applies the conditions firing now; `triageOf` is asked only when an incident opens or resolves. */
  update(firing: readonly Condition[], triageOf: (c: Condition) => AlertTriage | undefined): void;
  open(): Alert[];
  /** Newest first: every notification sent (firings and resolutions). */
  recent(): Alert[];
}

export function createIncidents(options: IncidentOptions, recentLimit = 50): Incidents {
  const open = new Map<string, Incident>();
  const resolvedAt = new Map<string, number>();
  const recent: Alert[] = [];
  const newId = options.newId ?? (() => crypto.randomUUID());

  function emit(alert: Alert) {
    recent.unshift(alert);
    if (recent.length > recentLimit) recent.length = recentLimit;
    options.notify(alert);
  }

  return {
    update(firing, triageOf) {
      const now = options.now();
      const seen = new Set<string>();
      for (const c of firing) {
        if (seen.has(c.key)) continue;
        seen.add(c.key);
        const incident = open.get(c.key);
        if (incident !== undefined) {
          incident.clearSince = undefined;
          continue;
        }
        const lastResolved = resolvedAt.get(c.key);
        if (lastResolved !== undefined && now - lastResolved < options.cooldownMs) continue;
        const alert: Alert = {
          id: newId(),
          status: 'firing',
          rule: c.rule,
          severity: c.severity,
          ...(c.carrier !== undefined ? { carrier: c.carrier } : {}),
          ...(c.account !== undefined ? { account: c.account } : {}),
          ...(c.subject !== undefined ? { subject: c.subject } : {}),
          summary: c.summary,
          value: c.value,
          threshold: c.threshold,
          startedAt: new Date(now).toISOString(),
          triage: triageOf(c),
        };
        open.set(c.key, { alert });
        emit(alert);
      }
      for (const [key, incident] of open) {
        if (seen.has(key)) continue;
        incident.clearSince ??= now;
        if (now - incident.clearSince < options.clearForMs) continue;
        open.delete(key);
        resolvedAt.set(key, now);
        emit({ ...incident.alert, status: 'resolved', resolvedAt: new Date(now).toISOString() });
      }
    },
    open: () => [...open.values()].map((i) => i.alert),
    recent: () => [...recent],
  };
}
