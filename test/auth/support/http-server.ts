/** Serves a fetch handler on an ephemeral loopback port (real HTTP) and closes it completely. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveFetch(
  fetchHandler: (req: Request) => Response | Promise<Response>,
): Promise<Served> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** A minimal browser: follows redirects with a cookie jar until `stop(url)` says so. */
export async function browse(start: string, stop: (url: string) => boolean, maxHops = 20): Promise<Response> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < maxHops; hop += 1) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return res;
    await res.arrayBuffer();
    url = new URL(location, url).toString();
    if (stop(url)) return fetch(url, { headers: cookie ? { cookie } : {} });
  }
  throw new Error('too many redirects');
}
