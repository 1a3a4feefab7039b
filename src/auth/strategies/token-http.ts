/**
 * The one place the broker talks HTTP: sends a token request with a timeout over the upstream
 * transport (plain status, headers and bytes: no WHATWG fetch objects on Node) and reads the
 * whole answer. Whatever goes wrong on the wire comes back classified, never thrown.
 */
import { startDeadline } from '../../upstream/deadline.ts';
import { outboundHeaders } from '../../upstream/outbound-headers.ts';
import { headerLookup, transportFromFetch, type UpstreamTransport } from '../../upstream/transport.ts';
import { type Classification, classifyNetworkError, parseJsonLoose } from '../classify.ts';
import type { TokenEndpointAnswer } from '../profile.ts';

export interface TokenHttp {
  send: UpstreamTransport;
  timeoutMs: number;
  now: () => number;
}

/**
 * The transport of token calls: the one given, else the fetch given (tests, tools) or the
 * global fetch, neither following redirects.
 */
export function tokenTransport(transport?: UpstreamTransport, doFetch?: typeof fetch): UpstreamTransport {
  return (
    transport ??
    transportFromFetch(doFetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args)), {
      redirect: 'manual',
    })
  );
}

const decoder = new TextDecoder();

export interface TokenHttpRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string | undefined;
}

export type TokenHttpResult =
  | { ok: true; answer: TokenEndpointAnswer; receivedAt: number }
  | { ok: false; failure: Classification };

export async function sendTokenRequest(http: TokenHttp, req: TokenHttpRequest): Promise<TokenHttpResult> {
  // A timer cleared when the answer is in: `AbortSignal.timeout` would keep its timer, signal and
  // listeners alive for the whole timeout after every token call (100,000 accounts filled in
  // 20 s left ~60 MB of them to die in the old generation).
  const deadline = startDeadline(http.timeoutMs);
  try {
    const url = new URL(req.url);
    const res = await http.send({
      method: req.method,
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      // The same header record carrier calls send (lower-cased names, gzip accepted).
      headers: outboundHeaders({ accept: 'application/json', ...req.headers }, undefined),
      body: req.body,
      signal: deadline.signal,
    });
    const text = decoder.decode(res.body);
    return {
      ok: true,
      receivedAt: http.now(),
      answer: { status: res.status, headers: headerLookup(res.headers), text, json: parseJsonLoose(text) },
    };
  } catch (error) {
    return { ok: false, failure: classifyNetworkError(error, deadline.timedOut) };
  } finally {
    deadline.done();
  }
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
