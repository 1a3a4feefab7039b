/**
 * The fleet's incident book: one document in the control store that every instance updates
 * with compare-and-set, applying the one incident transition (../alerts/incidents.ts) with
 * what it sees. Only the instance whose write opened or resolved an incident notifies, so an
 * incident reaches each sink once for the whole fleet, and open incidents outlive restarts.
 *
 * While the store cannot be reached each instance keeps alerting on its own from the last
 * state it read (better twice than never); once the store answers, the book takes over again.
 */
import { z } from 'zod';
import type { ControlPlane } from '../../control/types.ts';
import type { Logger } from '../../log/logger.ts';
import {
  applyConditions,
  emptyIncidentState,
  type IncidentState,
  type Incidents,
  pushRecent,
} from '../alerts/incidents.ts';
import { ALERT_RULES, type Alert } from '../alerts/types.ts';

const BOOK_KEY = '{fleet}health:incidents';
const RECENT_KEY = '{fleet}health:alerts';
/** Writers that lost a race read again and retry this many times within one evaluation. */
const MAX_TRIES = 5;

const AlertSchema = z
  .object({
    id: z.string(),
    status: z.enum(['firing', 'resolved']),
    rule: z.enum(ALERT_RULES),
    severity: z.enum(['warning', 'critical']),
    summary: z.string(),
    value: z.string(),
    threshold: z.string(),
    startedAt: z.string(),
  })
  .passthrough();
const Sighting = z.object({ at: z.number(), clearSince: z.number().optional() });
const State = z.object({
  open: z.record(z.string(), z.object({ alert: AlertSchema, sightings: z.record(z.string(), Sighting) })),
  resolvedAt: z.record(z.string(), z.number()),
});

export interface FleetIncidentOptions {
  now(): number;
  clearForMs: number;
  cooldownMs: number;
  /** An instance silent this long no longer holds an incident open. */
  staleMs: number;
  notify(alert: Alert): void;
  logger: Logger;
  recentLimit: number;
  newId?: () => string;
}

export interface FleetIncidents extends Incidents {
  /** Reads the fleet's open incidents and recent notifications (at start and each evaluation). */
  refresh(): Promise<void>;
}

export function createFleetIncidents(control: ControlPlane, o: FleetIncidentOptions): FleetIncidents {
  const { store } = control;
  let known: IncidentState = emptyIncidentState();
  let recent: Alert[] = [];
  let detached = false;
  const newId = o.newId ?? (() => crypto.randomUUID());

  async function read(): Promise<{ state: IncidentState; version: number }> {
    const stored = await store.get(BOOK_KEY);
    if (stored === undefined) return { state: emptyIncidentState(), version: 0 };
    const parsed = State.safeParse(stored.value);
    // An unreadable book is started over (its version is kept so the write replaces it).
    return {
      state: parsed.success ? (parsed.data as IncidentState) : emptyIncidentState(),
      version: stored.version,
    };
  }

  async function readRecent(): Promise<Alert[]> {
    const all = Object.values(await store.mapGet(RECENT_KEY))
      .map((raw) => AlertSchema.safeParse(raw))
      .flatMap((p) => (p.success ? [p.data as Alert] : []));
    return all.sort((a, b) => stamp(b) - stamp(a));
  }

  async function remember(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) await store.mapSet(RECENT_KEY, `${alert.id}:${alert.status}`, alert);
    const all = await readRecent();
    for (const old of all.slice(o.recentLimit)) await store.mapDelete(RECENT_KEY, `${old.id}:${old.status}`);
    recent = all.slice(0, o.recentLimit);
  }

  function deliver(alerts: readonly Alert[]): void {
    for (const alert of alerts) o.notify(alert);
  }

  const options = () => ({
    now: o.now(),
    clearForMs: o.clearForMs,
    cooldownMs: o.cooldownMs,
    instance: control.instanceId,
    staleMs: o.staleMs,
    newId,
  });

  return {
    async refresh() {
      try {
        known = (await read()).state;
        recent = await readRecent();
      } catch {
        // Unreachable: the last state read stands.
      }
    },
    async update(firing, triageOf) {
      try {
        for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
          const { state, version } = await read();
          const applied = applyConditions(state, firing, triageOf, options());
          const written = await store.compareAndSet(BOOK_KEY, version, applied.state);
          if (!written.ok) continue;
          known = applied.state;
          if (detached) o.logger.info('fleet incident book reachable again: incidents are shared');
          detached = false;
          deliver(applied.notify);
          if (applied.notify.length > 0) await remember(applied.notify).catch(() => undefined);
          return;
        }
        o.logger.warn('fleet incident book busy: this evaluation was not recorded');
      } catch (error) {
        if (!detached)
          o.logger.warn('fleet incident book unreachable: this instance alerts on its own', {
            errorName: error instanceof Error ? error.name : typeof error,
          });
        detached = true;
        const applied = applyConditions(known, firing, triageOf, options());
        known = applied.state;
        pushRecent(recent, applied.notify, o.recentLimit);
        deliver(applied.notify);
      }
    },
    open: () => Object.values(known.open).map((i) => i.alert),
    recent: () => [...recent],
  };
}

function stamp(alert: Alert): number {
  return Date.parse(alert.resolvedAt ?? alert.startedAt);
}
