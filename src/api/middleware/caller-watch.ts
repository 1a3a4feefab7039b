/**
 * Reports each authenticated request's key (by its hash id, never its value), country (from a
 * trusted header such as cf-ipcountry) and client network (from a trusted client-IP header or
 * the socket address) to whoever watches caller keys (health's caller watch).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.ts';

export interface CallerPlace {
  country?: string | undefined;
  network?: string | undefined;
}

export interface CallerObserverOptions {
  observe(keyId: string, role: string, place: CallerPlace): void;
  countryHeader?: string | undefined;
  clientIpHeader?: string | undefined;
  /** The peer address when the runtime knows it (Node: the socket). */
  remoteAddress?: ((c: Context<ApiEnv>) => string | undefined) | undefined;
}

const encoder = new TextEncoder();
/** Key ids remembered (their hashes are computed once per key). */
const MAX_KEYS = 1_000;

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

export function callerObserver(options: CallerObserverOptions): MiddlewareHandler<ApiEnv> {
  const ids = new Map<string, Promise<string>>();
  return async (c, next) => {
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
      options.observe(await id, role, { country, network });
    }
    await next();
  };
}

/** The peer address from Node adapter bindings (`c.env.incoming.socket`), when the runtime passes them. */
export function peerAddressFromBindings(c: Context<ApiEnv>): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}
