/**
 * A small scripted HTTP server in front of the simulators, for the answers their fault
 * injection does not produce: it forwards every call to the sandbox and, for a scripted
 * carrier path, edits the real answer (nulls, an unknown service, a label without its
 * document) before the gateway reads it. It also records the last answer per carrier path.
 * Links in answers that point at the sandbox are rewritten to point at the proxy.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import type { WireAnswer, WireEdit } from '../../../src/carrier/contract.ts';

export interface Script {
  carrier: string;
  method: string;
  path: RegExp;
  edit: WireEdit;
  /** Edits this many answers, then forwards untouched (default 1). */
  count?: number;
  /** Edits error answers too (default: only 2xx answers are edited). */
  anyStatus?: boolean;
  /** Answers without asking the simulator (the edit gets an empty 200 answer). */
  standalone?: boolean;
}

export interface ScriptedProxy {
  url: string;
  /** Where calls go (the sandbox's URL), set once it is known. */
  target(url: string): void;
  script(script: Script): void;
  clear(): void;
  /** The last answer of a carrier path matching `path`, as the simulator sent it. */
  lastAnswer(carrier: string, path: RegExp): WireAnswer | undefined;
  close(): Promise<void>;
}

const DROPPED = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startProxy(): Promise<ScriptedProxy> {
  let target = '';
  // One connection per forwarded call: a pooled connection the simulator closed while idle
  // would reset a POST, which no client may retry (it may have bought a label).
  const dispatcher = new Agent({ pipelining: 0 });
  let scripts: (Script & { left: number })[] = [];
  const answers = new Map<string, WireAnswer>();

  async function handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const [, carrier = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const body = await readBody(req);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(k))
        headers[k] = v;
    }
    const standalone = scripts.find(
      (s) =>
        s.left > 0 && s.standalone && s.carrier === carrier && s.method === req.method && s.path.test(path),
    );
    if (standalone) {
      standalone.left -= 1;
      const answer = standalone.edit({ status: 200, headers: {}, body: new Uint8Array() });
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
      return;
    }
    let upstream: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      upstream = await undiciFetch(`${target}${url.pathname}${url.search}`, {
        method: req.method ?? 'GET',
        headers,
        body: body.length > 0 ? new Uint8Array(body) : null,
        signal: abort.signal,
        dispatcher,
      });
    } catch {
      // The simulator dropped the connection (or the client left): drop ours too.
      res.destroy();
      return;
    }
    const raw = new Uint8Array(await upstream.arrayBuffer());
    const answerHeaders: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!DROPPED.has(k)) answerHeaders[k] = v;
    });
    let answer: WireAnswer = { status: upstream.status, headers: answerHeaders, body: raw };
    answers.set(`${carrier} ${req.method} ${path}`, answer);
    const script = scripts.find(
      (s) => s.left > 0 && s.carrier === carrier && s.method === req.method && s.path.test(path),
    );
    if (script && (answer.status < 300 || script.anyStatus)) {
      script.left -= 1;
      answer = script.edit(answer);
    }
    const textual = /json|text/i.test(answer.headers['content-type'] ?? '');
    const text = textual ? new TextDecoder().decode(answer.body) : '';
    const body2 = text.includes(target)
      ? new TextEncoder().encode(text.replaceAll(target, origin))
      : answer.body;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body2.length) });
    res.end(body2);
  }

  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    handle(req, res, origin).catch(() => res.destroy());
  });
  // Idle client connections stay open longer than clients keep them (no close race on reuse).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target(url) {
      target = url.replace(/\/+$/, '');
    },
    script(script) {
      scripts.push({ ...script, left: script.count ?? 1 });
    },
    clear() {
      scripts = [];
    },
    lastAnswer(carrier, path) {
      let found: WireAnswer | undefined;
      for (const [key, answer] of answers) {
        const [c, , p = ''] = key.split(' ');
        if (c === carrier && path.test(p)) found = answer;
      }
      return found;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        void dispatcher.close();
      }),
  };
}
