/**
 * Watches where each API key is used from: its country (from a trusted header such as
 * cf-ipcountry) and its client network (/24 for IPv4, /48 for IPv6, from a trusted client-IP
 * header or the socket address). The first places a key is seen from are learned; a later
 * request from a new one is an anomaly. Keys are named by a hash prefix, never by value.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../api/env.ts';
import { type Condition, conditionKey } from './alerts/types.ts';

export interface CallerWatchOptions {
  now: () => number;
  countryHeader?: string | undefined;
  clientIpHeader?: string | undefined;
  /** The peer address when the runtime knows it (Node: the socket). */
  remoteAddress?: ((c: Context<ApiEnv>) => string | undefined) | undefined;
  /** An anomaly stays an open condition this long after it was seen. */
  resolveAfterMs: number;
}

interface Anomaly {
  condition: Condition;
  seenAt: number;
}

export interface CallerWatch {
  middleware: MiddlewareHandler<ApiEnv>;
  /** Records one use (exported for the middleware and tests). */
  observe(
    keyId: string,
    role: string,
    place: { country?: string | undefined; network?: string | undefined },
  ): void;
  conditions(): Condition[];
}

const encoder = new TextEncoder();
/** Bounds memory whatever a key holder sends: places learned per key, keys, open anomalies. */
const MAX_PLACES_PER_KEY = 200;
const MAX_KEYS = 1_000;
const MAX_ANOMALIES = 500;

export async function keyIdOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(key));
  return `key_${Array.from(new Uint8Array(digest).slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The client network of an address: IPv4 /24, IPv6 /48 (IPv4-mapped IPv6 counts as IPv4). */
export function networkOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const trimmed = address.trim().replace(/^::ffff:/i, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(trimmed);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (trimmed.includes(':')) {
    const groups = trimmed.replace(/^\[|\]$/g, '').split(':');
    if (groups.length < 3) return undefined;
    return `${groups.slice(0, 3).join(':')}::/48`.toLowerCase();
  }
  return undefined;
}

const bearer = (header: string | undefined) => header?.match(/^Bearer +(\S+) *$/i)?.[1];

export function createCallerWatch(options: CallerWatchOptions): CallerWatch {
  const known = new Map<string, Set<string>>();
  const anomalies = new Map<string, Anomaly>();
  const ids = new Map<string, Promise<string>>();

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

  const middleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const role = c.get('role');
    const key = role === undefined ? undefined : bearer(c.req.header('Authorization'));
    if (role !== undefined && key !== undefined) {
      let id = ids.get(key);
      if (id === undefined) {
        id = keyIdOf(key);
        if (ids.size < MAX_KEYS) ids.set(key, id);
      }
      const rawCountry = options.countryHeader ? c.req.header(options.countryHeader) : undefined;
      const country =
        rawCountry && /^[A-Za-z0-9]{2}$/.test(rawCountry.trim())
          ? rawCountry.trim().toUpperCase()
          : undefined;
      const forwarded = options.clientIpHeader
        ? c.req.header(options.clientIpHeader)?.split(',')[0]
        : undefined;
      const network = networkOf(forwarded ?? options.remoteAddress?.(c));
      observe(await id, role, { country, network });
    }
    await next();
  };

  return {
    middleware,
    observe,
    conditions() {
      const now = options.now();
      for (const [subject, a] of anomalies)
        if (now - a.seenAt >= options.resolveAfterMs) anomalies.delete(subject);
      return [...anomalies.values()].map((a) => a.condition);
    },
  };
}

/** The peer address from Node adapter bindings (`c.env.incoming.socket`), when the runtime passes them. */
export function peerAddressFromBindings(c: Context<ApiEnv>): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}
