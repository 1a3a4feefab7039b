/**
 * A tiny OTLP/HTTP receiver on a loopback ephemeral port: it accepts POST /v1/traces and
 * /v1/metrics in either encoding (binary protobuf or JSON, by content type) the way a
 * collector does, keeps what arrived, and flattens it into spans and metric points that
 * tests can search.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeMetrics, decodeTraces } from './otlp-protobuf.ts';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value?: AnyValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

export interface ReceivedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  point: Record<string, unknown>;
}

export const OTLP_KIND = { internal: 1, server: 2, client: 3 } as const;

function decodeValue(v: AnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, decodeValue(kv.value)]));
}

export interface OtlpReceiver {
  url: string;
  /** Every request body received, as text, in order (to search for secrets; protobuf strings are UTF-8 too). */
  bodies: string[];
  /** The content type of every export received, by path (`/v1/traces`, `/v1/metrics`). */
  contentTypes: Record<string, string[]>;
  spans(): ReceivedSpan[];
  points(): ReceivedPoint[];
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: OTLP JSON is walked structurally below.
type Json = any;

/** The spans of OTLP trace export bodies (JSON encoding, or decoded to its shape), flattened. */
export function flattenSpans(bodies: Json[]): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const body of bodies)
    for (const rs of body.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          out.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.kind,
            attributes: attributesOf(s.attributes),
            events: (s.events ?? []).map((e: Json) => ({
              name: e.name,
              attributes: attributesOf(e.attributes),
            })),
            status: s.status ?? {},
            resource: attributesOf(rs.resource?.attributes),
          });
  return out;
}

/** The data points of OTLP metric export bodies, flattened. */
export function flattenPoints(bodies: Json[]): ReceivedPoint[] {
  const out: ReceivedPoint[] = [];
  for (const body of bodies)
    for (const rm of body.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          const data = m.histogram ?? m.sum ?? m.gauge ?? m.exponentialHistogram ?? {};
          for (const p of data.dataPoints ?? [])
            out.push({
              metric: m.name,
              attributes: attributesOf(p.attributes),
              resource: attributesOf(rm.resource?.attributes),
              point: p,
            });
        }
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: string[] = [];
  const contentTypes: Record<string, string[]> = {};
  const traces: Json[] = [];
  const metrics: Json[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const known = req.method === 'POST' && (req.url === '/v1/traces' || req.url === '/v1/metrics');
      const type = req.headers['content-type'] ?? '';
      let parsed: Json;
      try {
        if (type === 'application/x-protobuf')
          parsed = req.url === '/v1/traces' ? decodeTraces(body) : decodeMetrics(body);
        else if (type === 'application/json') parsed = JSON.parse(text);
        else throw new Error(`unsupported content type ${type}`);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (!known) {
        res.writeHead(404).end();
        return;
      }
      bodies.push(text);
      const path = req.url as string;
      contentTypes[path] = [...(contentTypes[path] ?? []), type];
      (req.url === '/v1/traces' ? traces : metrics).push(parsed);
      // An empty ExportServiceResponse (full success) in the request's encoding.
      if (type === 'application/json') res.writeHead(200, { 'content-type': type }).end('{}');
      else res.writeHead(200, { 'content-type': type }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    contentTypes,
    spans: () => flattenSpans(traces),
    points: () => flattenPoints(metrics),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
