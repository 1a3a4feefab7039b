/**
 * Where one upstream request goes, as the strings the transport and telemetry need. The
 * account's base URL is parsed once; a plain path (no dot segments, nothing to escape) is
 * appended as text, anything else goes through the URL parser, so the result is the URL's.
 */

export interface Target {
  /** Scheme, host and port, as `URL.origin`. */
  origin: string;
  /** Path and query, as `URL.pathname + URL.search`. */
  path: string;
  hostname: string;
  port: number;
  /** The URL without its query (`safeUrl`): what telemetry may show. */
  safe: string;
}

interface Base {
  origin: string;
  hostname: string;
  port: number;
  /** The base's path without its trailing slashes. */
  path: string;
}

/** Characters a URL path keeps as they are (RFC 3986 pchar, `/` and already-escaped `%XX`). */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-_~!$&'()*+,;=:@%]*(?:\.[A-Za-z0-9\-_~!$&'()*+,;=:@%]+)*)*$/;
const MAX_BASES = 10_000;
const bases = new Map<string, Base | null>();

export function targetOf(url: URL): Target {
  return {
    origin: url.origin,
    path: url.pathname + url.search,
    hostname: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    safe: `${url.protocol}//${url.host}${url.pathname}`,
  };
}

function parseBase(base: string): Base | null {
  const url = new URL(base);
  // A base with a query, a fragment or an escaped path is left to the parser every time.
  if (url.search !== '' || url.hash !== '' || !PLAIN_PATH.test(url.pathname)) return null;
  const { hostname, port } = targetOf(url);
  return { origin: url.origin, hostname, port, path: url.pathname.replace(/\/+$/, '') };
}

/** The target of `base` + `path` + `query`, equal to what `new URL` makes of them. */
export function joinTarget(base: string, path: string, query: Readonly<Record<string, string>> = {}): Target {
  let parsed = bases.get(base);
  if (parsed === undefined) {
    parsed = parseBase(base);
    if (bases.size >= MAX_BASES) bases.clear();
    bases.set(base, parsed);
  }
  if (parsed === null || !PLAIN_PATH.test(path) || !path.startsWith('/')) {
    const url = new URL(base.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return targetOf(url);
  }
  const search = new URLSearchParams(query).toString();
  const pathname = parsed.path + path;
  return {
    origin: parsed.origin,
    path: search === '' ? pathname : `${pathname}?${search}`,
    hostname: parsed.hostname,
    port: parsed.port,
    safe: parsed.origin + pathname,
  };
}
