/**
 * The upstream transport port: one HTTP exchange as plain data. The upstream client speaks
 * only this, so a runtime can send without Web `Request`/`Response`/`Headers` objects or
 * web streams (Node: `undici.request` over a pool per origin; Workers: `fetch`, adapted below).
 */

/** A read-only view of an answer's headers: what carriers read (`Headers` satisfies it too). */
export interface HeaderLookup {
  /** The value of a header (name case-insensitive), or null when absent. */
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface TransportRequest {
  method: string;
  /** Scheme, host and port, e.g. `https://onlinetools.ups.com` (the pool key on Node). */
  origin: string;
  /** Path and query string, starting with `/`. */
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer> | undefined;
  /** Aborts the exchange (total timeout or caller gone); the transport rejects with its reason. */
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ', ' (set-cookie is not read upstream). */
  headers: Record<string, string>;
  /** The whole body, decompressed (gzip, deflate, br) when the carrier compressed it. */
  body: Uint8Array;
}

/**
 * Sends one exchange. It rejects when no answer arrived; the error (or one of its `cause`s)
 * carries a code such as `ECONNREFUSED` or `UND_ERR_CONNECT_TIMEOUT` when nothing was sent,
 * so `describeNetworkFailure` can tell a request that never left from one that may have.
 */
export type UpstreamTransport = (request: TransportRequest) => Promise<TransportResponse>;

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A lookup over a record whose names are already lower-cased (no copy, no `Headers`). */
export function headerLookup(headers: Record<string, string> = EMPTY): HeaderLookup {
  // Own string values only: a name like `constructor` must not find the prototype's.
  const get = (name: string): string | null => {
    const key = name.toLowerCase();
    return Object.hasOwn(headers, key) ? (headers[key] as string) : null;
  };
  return { get, has: (name) => get(name) !== null };
}

/**
 * The port over a WHATWG fetch: Workers' global fetch, tests and tools that inject one. The
 * fetch decompresses; its errors already carry the codes the classification reads. Token
 * calls pass `redirect: 'manual'`: a token endpoint that redirects is answered as it is, as
 * the Node pools do.
 */
export function transportFromFetch(
  doFetch: typeof fetch,
  options: { redirect?: RequestRedirect } = {},
): UpstreamTransport {
  return async (request) => {
    const res = await doFetch(request.origin + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
      ...(options.redirect ? { redirect: options.redirect } : {}),
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: res.status, headers, body };
  };
}
