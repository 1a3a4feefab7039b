/**
 * Turns conditions into incidents: one firing notification when a condition first holds,
 * one resolution once it stayed clear for `clearForMs`, nothing in between (dedup), and no
 * new incident for the same key within `cooldownMs` of a resolution (no flapping flood).
 *
 * The rule is one pure transition over a plain state, so one instance keeps the state in
 * memory (createIncidents) and a fleet keeps it in the shared store (../fleet/incidents.ts),
 * where each instance reports what it sees and an incident resolves only once every instance
 * that saw it reports it clear (or stopped reporting).
 */
import type { Alert, AlertTriage, Condition } from './types.ts';

/** One instance's last report on an open incident. */
export interface Sighting {
  /** When it last reported. */
  at: number;
  /** Since when it has seen the condition clear (absent: firing at its last report). */
  clearSince?: number | undefined;
}

export interface IncidentState {
  open: Record<string, { alert: Alert; sightings: Record<string, Sighting> }>;
  /** When each key last resolved (kept for the cooldown). */
  resolvedAt: Record<string, number>;
}

export interface TransitionOptions {
  now: number;
  clearForMs: number;
  cooldownMs: number;
  /** The reporting instance. */
  instance: string;
  /** An instance silent this long no longer holds an incident open (one instance: never). */
  staleMs: number;
  newId(): string;
}

export const emptyIncidentState = (): IncidentState => ({ open: {}, resolvedAt: {} });

function firingAlert(c: Condition, now: number, id: string, triage: AlertTriage | undefined): Alert {
  return {
    id,
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
    triage,
  };
}

/** Every instance that reported the incident sees it clear long enough, or went silent. */
function allClear(sightings: Record<string, Sighting>, o: TransitionOptions): boolean {
  return Object.values(sightings).every((s) =>
    s.clearSince !== undefined
      ? o.now - s.clearSince >= o.clearForMs
      : o.now - s.at > o.staleMs && o.now - s.at >= o.clearForMs,
  );
}

/**
 * Applies one instance's conditions to the state: a new state (the input is not changed) and
 * the notifications to send, in order. `triageOf` is asked only when an incident opens.
 */
export function applyConditions(
  state: IncidentState,
  firing: readonly Condition[],
  triageOf: (c: Condition) => AlertTriage | undefined,
  o: TransitionOptions,
): { state: IncidentState; notify: Alert[] } {
  const next: IncidentState = structuredClone(state);
  const notify: Alert[] = [];
  const seen = new Set<string>();
  for (const c of firing) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    const incident = next.open[c.key];
    if (incident !== undefined) {
      incident.sightings[o.instance] = { at: o.now };
      continue;
    }
    const lastResolved = next.resolvedAt[c.key];
    if (lastResolved !== undefined && o.now - lastResolved < o.cooldownMs) continue;
    const alert = firingAlert(c, o.now, o.newId(), triageOf(c));
    next.open[c.key] = { alert, sightings: { [o.instance]: { at: o.now } } };
    notify.push(alert);
  }
  for (const [key, incident] of Object.entries(next.open)) {
    if (seen.has(key)) continue;
    const own = incident.sightings[o.instance];
    incident.sightings[o.instance] = { at: o.now, clearSince: own?.clearSince ?? o.now };
    if (!allClear(incident.sightings, o)) continue;
    delete next.open[key];
    next.resolvedAt[key] = o.now;
    notify.push({ ...incident.alert, status: 'resolved', resolvedAt: new Date(o.now).toISOString() });
  }
  for (const [key, at] of Object.entries(next.resolvedAt))
    if (o.now - at >= o.cooldownMs) delete next.resolvedAt[key];
  return { state: next, notify };
}

export interface IncidentOptions {
  now: () => number;
  clearForMs: number;
  cooldownMs: number;
  notify(alert: Alert): void;
  newId?: () => string;
}

export interface Incidents {
  /** Applies the conditions firing now; `triageOf` is asked only when an incident opens or resolves. */
  update(firing: readonly Condition[], triageOf: (c: Condition) => AlertTriage | undefined): Promise<void>;
  open(): Alert[];
  /** Newest first: every notification sent (firings and resolutions). */
  recent(): Alert[];
}

/** Keeps the newest `limit` notifications, newest first. */
export function pushRecent(recent: Alert[], alerts: readonly Alert[], limit: number): void {
  for (const alert of alerts) recent.unshift(alert);
  if (recent.length > limit) recent.length = limit;
}

/** One instance's incidents, in memory. */
export function createIncidents(options: IncidentOptions, recentLimit = 50): Incidents {
  let state = emptyIncidentState();
  const recent: Alert[] = [];
  const newId = options.newId ?? (() => crypto.randomUUID());
  return {
    async update(firing, triageOf) {
      const applied = applyConditions(state, firing, triageOf, {
        now: options.now(),
        clearForMs: options.clearForMs,
        cooldownMs: options.cooldownMs,
        instance: 'local',
        staleMs: Number.POSITIVE_INFINITY,
        newId,
      });
      state = applied.state;
      pushRecent(recent, applied.notify, recentLimit);
      for (const alert of applied.notify) options.notify(alert);
    },
    open: () => Object.values(state.open).map((i) => i.alert),
    recent: () => [...recent],
  };
}
