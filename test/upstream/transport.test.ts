/**
 * The upstream transport port on a real loopback server: the Node transport (undici pools)
 * and the fetch adapter (Workers, tests) answer the same plain data, decompress the same
 * codings, and fail in ways the send-outcome classification tells apart.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { describeNetworkFailure } from '../../src/upstream/network-error.ts';
import {
  headerLookup,
  type TransportRequest,
  transportFromFetch,
  type UpstreamTransport,
} from '../../src/upstream/transport.ts';

const JSON_TEXT = JSON.stringify({ rated: [{ service: '03', total: '12.34' }] });
const compressors: Record<string, (b: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function route(req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/echo') {
    res.writeHead(201, { 'content-type': 'application/json', 'X-Mixed-Case': 'yes' });
    res.end(JSON.stringify({ method: req.method, url: req.url, body }));
  } else if (url.pathname === '/compressed') {
    const coding = url.searchParams.get('coding') ?? 'gzip';
    const compress = compressors[coding] ?? gzipSync;
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
    res.end(compress(Buffer.from(JSON_TEXT)));
  } else if (url.pathname === '/repeated') {
    res.setHeader('warning', ['199 - "first"', '199 - "second"']);
    res.end('ok');
  } else if (url.pathname === '/hang') {
    // Received, never answered: the request was sent.
  } else {
    res.writeHead(404).end();
  }
}

let server: Server;
let origin: string;
let connections = 0;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      route(req, body, res);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

const node = createNodeUpstreamTransport();
afterAll(async () => {
  await node.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const transports: [string, () => UpstreamTransport][] = [
  ['node (undici pools)', () => node.transportFor(1_000)],
  ['fetch adapter', () => transportFromFetch((input, init) => fetch(input, init))],
];

const request = (path: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  method: 'GET',
  origin,
  path,
  headers: {},
  signal: AbortSignal.timeout(5_000),
  ...extra,
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe.each(transports)('upstream transport: %s', (_name, transportOf) => {
  it('sends method, path with query, headers and body; answers status, lower-cased headers and bytes', async () => {
    const res = await transportOf()(
      request('/echo?a=1&b=two', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t0k3n' },
        body: '{"x":1}',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-mixed-case']).toBe('yes');
    expect(JSON.parse(text(res.body))).toEqual({ method: 'POST', url: '/echo?a=1&b=two', body: '{"x":1}' });
    const last = seen.at(-1);
    expect(last?.headers.authorization).toBe('Bearer t0k3n');
    expect(last?.headers['content-type']).toBe('application/json');
  });

  it('sends a body given as bytes', async () => {
    const body = new TextEncoder().encode('bytes body');
    const res = await transportOf()(request('/echo', { method: 'PUT', body }));
    expect(JSON.parse(text(res.body))).toMatchObject({ method: 'PUT', body: 'bytes body' });
  });

  it.each(['gzip', 'deflate', 'br'])('decompresses a %s answer', async (coding) => {
    const res = await transportOf()(
      request(`/compressed?coding=${coding}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } }),
    );
    expect(text(res.body)).toBe(JSON_TEXT);
  });

  it('joins a repeated header the way Headers.get does', async () => {
    const res = await transportOf()(request('/repeated'));
    expect(headerLookup(res.headers).get('Warning')).toBe('199 - "first", 199 - "second"');
  });

  it('a refused connection fails as not sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await transportOf()(request('/echo', { origin: `http://127.0.0.1:${port}` })).catch(
      (e: unknown) => e,
    );
    expect(describeNetworkFailure(error, false)).toEqual({ outcome: 'not_sent', reason: 'ECONNREFUSED' });
  });

  it('a request sent and then cut off by its timeout is ambiguous', async () => {
    const signal = AbortSignal.timeout(200);
    const error = await transportOf()(request('/hang', { method: 'POST', body: '{}', signal })).catch(
      (e: unknown) => e,
    );
    expect(signal.aborted).toBe(true);
    expect(describeNetworkFailure(error, signal.aborted)).toEqual({
      outcome: 'ambiguous',
      reason: 'timeout',
    });
  });
});

describe('node upstream transport', () => {
  it('keeps connections alive between calls to one origin', async () => {
    const transport = node.transportFor(3_000);
    // The pool frees a connection on the tick after its answer ends, so a call sent at once
    // may open another: the first calls warm a few, and from then on they are reused.
    for (let i = 0; i < 10; i += 1) await transport(request('/echo'));
    const warm = connections;
    for (let i = 0; i < 30; i += 1) await transport(request('/echo'));
    expect(connections).toBe(warm);
  });

  it("closes an idle connection after its own idle time, whatever the server's Keep-Alive hint", async () => {
    // A carrier edge keeping sockets for 65 s announces `Keep-Alive: timeout=65`; undici would
    // follow it, so every socket a burst opened would stay a minute after the burst.
    const patient = createServer((_req, res) => res.end('ok'));
    patient.keepAliveTimeout = 65_000;
    let open = 0;
    patient.on('connection', (socket) => {
      open += 1;
      socket.on('close', () => {
        open -= 1;
      });
    });
    await new Promise<void>((resolve) => patient.listen(0, '127.0.0.1', resolve));
    const patientOrigin = `http://127.0.0.1:${(patient.address() as AddressInfo).port}`;
    const short = createNodeUpstreamTransport({ idleConnectionMs: 200 });
    try {
      const answer = await short.transportFor(1_000)({ ...request('/'), origin: patientOrigin });
      expect(answer.headers['keep-alive']).toBe('timeout=65');
      expect(open).toBe(1);
      // Waits for the state (the server saw the client close it), not for a fixed time.
      for (let waited = 0; open > 0 && waited < 20_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open).toBe(0);
    } finally {
      await short.close();
      patient.closeAllConnections();
      await new Promise((resolve) => patient.close(resolve));
    }
  });
});

describe('headerLookup', () => {
  it('reads names case-insensitively and finds nothing on the prototype', () => {
    const lookup = headerLookup({ 'retry-after': '3' });
    expect(lookup.get('Retry-After')).toBe('3');
    expect(lookup.has('retry-after')).toBe(true);
    expect(lookup.get('constructor')).toBeNull();
    expect(lookup.has('toString')).toBe(false);
    expect(headerLookup().get('content-type')).toBeNull();
  });
});
