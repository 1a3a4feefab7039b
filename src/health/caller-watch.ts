/**
 * Watches where each API key is used from: its country (from a trusted header such as
 * cf-ipcountry) and its client network (/24 for IPv4, /48 for IPv6). The first places a key
 * is seen from are learned; a later request from a new one is an anomaly. Keys are named by
 * a hash prefix, never by value (the API's caller-watch middleware reports each use).
 */
import { type Condition, conditionKey } from './alerts/types.ts';

export interface CallerWatchOptions {
  now: () => number;
  /** An anomaly stays an open condition this long after it was seen. */
  resolveAfterMs: number;
}

interface Anomaly {
  condition: Condition;
  seenAt: number;
}

export interface CallerWatch {
  /** Records one use of a key (by its id) from a place. */
  observe(
    keyId: string,
    role: string,
    place: { country?: string | undefined; network?: string | undefined },
  ): void;
  conditions(): Condition[];
}

/** Bounds memory whatever a key holder sends: places learned per key, keys, open anomalies. */
const MAX_PLACES_PER_KEY = 200;
const MAX_KEYS = 1_000;
const MAX_ANOMALIES = 500;

export function createCallerWatch(options: CallerWatchOptions): CallerWatch {
  const known = new Map<string, Set<string>>();
  const anomalies = new Map<string, Anomaly>();

  function observe(
    keyId: string,
    role: string,
    place: { country?: string | undefined; network?: string | undefined },
  ) {
    const places = [
      ...(place.country ? [`country ${place.country}`] : []),
      ...(place.network ? [`network ${place.network}`] : []),
    ];
    if (places.length === 0) return;
    const seen = known.get(keyId);
    if (seen === undefined) {
      if (known.size < MAX_KEYS) known.set(keyId, new Set(places)); // first sighting: learned, not alarming
      return;
    }
    for (const p of places) {
      if (seen.has(p)) continue;
      if (seen.size < MAX_PLACES_PER_KEY) seen.add(p);
      if (anomalies.size >= MAX_ANOMALIES) continue;
      const now = options.now();
      const subject = `${keyId} ${p}`;
      anomalies.set(subject, {
        seenAt: now,
        condition: {
          key: conditionKey('caller_new_network', '', '', subject),
          rule: 'caller_new_network',
          severity: 'warning',
          subject,
          summary: `${role} key ${keyId} used from a new ${p} (known: ${[...seen].filter((s) => s !== p).join(', ')})`,
          value: p,
          threshold: 'any country or network not seen before for this key',
        },
      });
    }
  }

  return {
    observe,
    conditions() {
      const now = options.now();
      for (const [subject, a] of anomalies)
        if (now - a.seenAt >= options.resolveAfterMs) anomalies.delete(subject);
      return [...anomalies.values()].map((a) => a.condition);
    },
  };
}
