/**
 * Benchmark process: a local OTLP/HTTP receiver that reads and discards every export, so
 * the gateway pays the full cost of recording, batching, serialising and sending its
 * telemetry without a collector's cost landing on the machine. Counts what arrived, which
 * proves the exporters really ran.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../lib/rpc.ts';

export interface SinkReady {
  url: string;
}

export interface SinkStats {
  /** Export requests by path (/v1/traces, /v1/metrics). */
  requests: Record<string, number>;
  bytes: number;
}

const stats: SinkStats = { requests: {}, bytes: 0 };
const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => {
    stats.bytes += chunk.length;
  });
  req.on('end', () => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    stats.requests[path] = (stats.requests[path] ?? 0) + 1;
    // An empty ExportServiceResponse: full success, nothing rejected.
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' });
    res.end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveRpc(
  { url: `http://127.0.0.1:${port}` } satisfies SinkReady,
  {
    stats: () => ({ ...stats, requests: { ...stats.requests } }),
    reset: () => {
      stats.requests = {};
      stats.bytes = 0;
      return true;
    },
  },
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
