/** Redirects over the Node pools, followed as WHATWG fetch follows them (real loopback servers). */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeUpstreamTransport } from '../../src/runtime/node/upstream-transport.ts';
import { followRedirects } from '../../src/upstream/redirects.ts';
import type { TransportRequest } from '../../src/upstream/transport.ts';

interface Seen {
  server: 'a' | 'b';
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let a: Server;
let b: Server;
let originA: string;
let originB: string;

function serve(name: 'a' | 'b', route: (req: IncomingMessage) => [number, Record<string, string>, string]) {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        server: name,
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      });
      const [status, headers, body] = route(req);
      res.writeHead(status, headers).end(body);
    });
  });
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  a = serve('a', (req) => {
    const path = req.url ?? '';
    if (path === '/same') return [302, { location: '/doc?x=1' }, ''];
    if (path === '/elsewhere') return [302, { location: `${originB}/cdn/label.pdf` }, ''];
    if (path === '/see-other') return [303, { location: '/result' }, ''];
    if (path === '/temporary') return [307, { location: '/kept' }, ''];
    if (path.startsWith('/loop')) return [302, { location: `/loop${Number(path.slice(5) || 0) + 1}` }, ''];
    return [200, { 'content-type': 'text/plain' }, `a:${path}`];
  });
  b = serve('b', (req) => [200, { 'content-type': 'application/pdf' }, `b:${req.url}`]);
  originA = await listen(a);
  originB = await listen(b);
});

const node = createNodeUpstreamTransport();
const send = followRedirects(node.transportFor(1_000));
afterAll(async () => {
  await node.close();
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const request = (path: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  method: 'GET',
  origin: originA,
  path,
  headers: { authorization: 'Bearer t0k3n' },
  signal: AbortSignal.timeout(5_000),
  ...extra,
});
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const last = (n: number) => seen.slice(-n);

describe('followRedirects over the Node pools', () => {
  it('follows a redirect on the same origin, credential kept', async () => {
    const res = await send(request('/same'));
    expect([res.status, text(res.body)]).toEqual([200, 'a:/doc?x=1']);
    expect(last(2).map((s) => [s.url, s.authorization])).toEqual([
      ['/same', 'Bearer t0k3n'],
      ['/doc?x=1', 'Bearer t0k3n'],
    ]);
  });

  it('follows a redirect to another origin without the credential', async () => {
    const res = await send(request('/elsewhere'));
    expect([res.status, text(res.body), res.headers['content-type']]).toEqual([
      200,
      'b:/cdn/label.pdf',
      'application/pdf',
    ]);
    expect(last(1)[0]).toMatchObject({ server: 'b', authorization: undefined });
  });

  it('turns a POST answered 303 into a GET without body', async () => {
    const res = await send(
      request('/see-other', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(text(res.body)).toBe('a:/result');
    expect(last(1)[0]).toMatchObject({ method: 'GET', url: '/result', contentType: undefined, body: '' });
  });

  it('repeats method and body on a 307', async () => {
    await send(
      request('/temporary', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(last(1)[0]).toMatchObject({
      method: 'POST',
      url: '/kept',
      contentType: 'application/json',
      body: '{"a":1}',
    });
  });

  it('gives up after 20 redirects, like fetch', async () => {
    const before = seen.length;
    await expect(send(request('/loop'))).rejects.toThrow(/too many redirects/);
    expect(seen.length - before).toBe(21);
  });
});
