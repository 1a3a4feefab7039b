/**
 * A real HTTP server on loopback that stands in for a carrier: it answers each request with the
 * recorded response whose method and path pattern match, byte for byte, and answers token
 * requests the recorded entry does not cover with a fresh harness token. It records what it saw
 * so the replay can tell which call went unanswered and which token was presented.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedResponse } from './load.ts';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Which served response answered it: its body file, 'harness-token', or undefined when none matched. */
  answeredBy: string | undefined;
}

export interface ReplayScript {
  responses: readonly LoadedResponse[];
  /** Token endpoint paths answered with a harness token when no recorded response matches them. */
  tokenPaths: readonly string[];
  /** The access token the harness hands out. */
  harnessToken: string;
}

export interface ReplayServer {
  url: string;
  /** Replaces what the server answers, and forgets what it saw. */
  load(script: ReplayScript): void;
  seen(): readonly SeenRequest[];
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bodyFor(response: LoadedResponse, ownOrigin: string): Uint8Array {
  if (!response.serveOriginsFor?.length) return response.bytes;
  let text = decoder.decode(response.bytes);
  for (const origin of response.serveOriginsFor) text = text.split(origin).join(ownOrigin);
  return encoder.encode(text);
}

export async function startReplayServer(): Promise<ReplayServer> {
  let script: ReplayScript = { responses: [], tokenPaths: [], harnessToken: '' };
  let seen: SeenRequest[] = [];
  let url = '';

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://replay').pathname;
      const method = req.method ?? 'GET';
      const match = script.responses.find(
        (r) => r.match.method === method && new RegExp(r.match.path).test(path),
      );
      if (match) {
        seen.push({ method, path, headers: req.headers, answeredBy: match.body });
        const body = bodyFor(match, url);
        res.writeHead(match.status, { ...match.headers, 'content-length': String(body.byteLength) });
        res.end(body);
        return;
      }
      if (method === 'POST' && script.tokenPaths.includes(path)) {
        seen.push({ method, path, headers: req.headers, answeredBy: 'harness-token' });
        const body = JSON.stringify({
          access_token: script.harnessToken,
          token_type: 'Bearer',
          expires_in: 3600,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
        return;
      }
      seen.push({ method, path, headers: req.headers, answeredBy: undefined });
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`corpus replay: no recorded answer for ${method} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    load(next) {
      script = next;
      seen = [];
    },
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
