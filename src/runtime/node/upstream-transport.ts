/**
 * The Node upstream transport: `undici.request` over one keep-alive `Pool` per origin and
 * connect timeout. No WHATWG layer (no `Request`/`Response`/`Headers`, no web streams): the
 * answer is read into bytes and its headers stay undici's plain lower-cased record.
 *
 * The connect timeout is enforced by the socket layer, so a refused or slow connection
 * rejects with a code (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`) that tells it apart from a
 * request that was sent. Connections per carrier host are bounded: a burst of checkouts
 * queues on warm sockets instead of overflowing the carrier's accept backlog.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import type { TransportResponse, UpstreamTransport } from '../../upstream/transport.ts';
import { decompress } from './decompress.ts';

/** Sockets one instance keeps open to one carrier host at most; further requests queue. */
export const MAX_CONNECTIONS_PER_ORIGIN = 256;

/**
 * How long an idle connection to a carrier stays open. Also the cap on the server's own
 * `Keep-Alive: timeout=N` hint, which undici otherwise follows up to 10 minutes: a carrier
 * edge announcing 65 s would keep every socket a burst opened for a minute after it.
 */
export const IDLE_CONNECTION_MS = 10_000;

export interface NodeUpstreamTransportOptions {
  /** Idle keep-alive of a carrier connection, whatever the server announces (default 10 s). */
  idleConnectionMs?: number;
}

export interface NodeUpstreamTransport {
  /** The transport whose connections time out connecting after `connectTimeoutMs`. */
  transportFor(connectTimeoutMs: number): UpstreamTransport;
  close(): Promise<void>;
}

/** Repeated headers (undici gives an array) joined the way `Headers.get` joins them. */
function flatHeaders(raw: IncomingHttpHeaders): Record<string, string> {
  let flat: Record<string, string> | undefined;
  for (const name in raw) {
    const value = raw[name];
    if (typeof value === 'string') continue;
    flat ??= { ...(raw as Record<string, string>) };
    if (value === undefined) delete flat[name];
    else flat[name] = value.join(', ');
  }
  return flat ?? (raw as Record<string, string>);
}

export function createNodeUpstreamTransport(
  options: NodeUpstreamTransportOptions = {},
): NodeUpstreamTransport {
  const idleMs = options.idleConnectionMs ?? IDLE_CONNECTION_MS;
  const pools = new Map<string, Pool>();
  const transports = new Map<number, UpstreamTransport>();

  function poolFor(origin: string, connectTimeoutMs: number): Pool {
    const key = `${connectTimeoutMs} ${origin}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: MAX_CONNECTIONS_PER_ORIGIN,
        connect: { timeout: connectTimeoutMs },
        keepAliveTimeout: idleMs,
        keepAliveMaxTimeout: idleMs,
      });
      pools.set(key, pool);
    }
    return pool;
  }

  return {
    transportFor(connectTimeoutMs) {
      let transport = transports.get(connectTimeoutMs);
      if (!transport) {
        transport = async (request): Promise<TransportResponse> => {
          const res = await poolFor(request.origin, connectTimeoutMs).request({
            method: request.method,
            path: request.path,
            headers: request.headers,
            body: request.body ?? null,
            signal: request.signal,
          });
          const headers = flatHeaders(res.headers);
          const bytes = await res.body.bytes();
          const encoding = headers['content-encoding'];
          const body = encoding === undefined ? bytes : await decompress(bytes, encoding);
          return { status: res.statusCode, headers, body };
        };
        transports.set(connectTimeoutMs, transport);
      }
      return transport;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
      transports.clear();
    },
  };
}
