/**
 * Redirects followed as WHATWG fetch's `redirect: 'follow'` does, for transports that return
 * a 3xx as it is (the Node pools): carriers' document links may redirect (to a CDN), and
 * carrier calls went through fetch before the narrow transport. A 303, or a 301/302 answering
 * a POST, becomes a GET without a body; a redirect to another origin drops the credential.
 */
import type { TransportRequest, TransportResponse, UpstreamTransport } from './transport.ts';

/** fetch's limit (WHATWG Fetch, "HTTP-redirect fetch": more than 20 is a network error). */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function next(request: TransportRequest, status: number, location: string): TransportRequest {
  const target = new URL(location, request.origin + request.path);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new TypeError(`redirect to a ${target.protocol} URL`);
  const headers = { ...request.headers };
  let { method, body } = request;
  if (
    status === 303
      ? method !== 'GET' && method !== 'HEAD'
      : (status === 301 || status === 302) && method === 'POST'
  ) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (target.origin !== request.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { ...request, method, body, headers, origin: target.origin, path: target.pathname + target.search };
}

export function followRedirects(transport: UpstreamTransport): UpstreamTransport {
  return async (first) => {
    let request = first;
    for (let hops = 0; ; hops++) {
      const res: TransportResponse = await transport(request);
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.status) || location === undefined) return res;
      if (hops >= MAX_REDIRECTS) throw new TypeError('too many redirects');
      request = next(request, res.status, location);
    }
  };
}
