/**
 * The one place the broker talks HTTP: sends a token request with a timeout and reads the
 * whole answer. Whatever goes wrong on the wire comes back classified, never thrown.
 */
import { type Classification, classifyNetworkError, parseJsonLoose } from '../classify.ts';
import type { TokenEndpointAnswer } from '../profile.ts';

export interface TokenHttp {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

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
  const signal = AbortSignal.timeout(http.timeoutMs);
  try {
    const res = await http.fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...req.headers },
      body: req.body,
      signal,
      redirect: 'manual',
    });
    const text = await res.text();
    return {
      ok: true,
      receivedAt: http.now(),
      answer: { status: res.status, headers: res.headers, text, json: parseJsonLoose(text) },
    };
  } catch (error) {
    return { ok: false, failure: classifyNetworkError(error, signal.aborted) };
  }
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
