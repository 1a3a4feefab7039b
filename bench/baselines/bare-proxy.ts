/**
 * Baseline process: the thinnest proxy one would write with the same stack (Hono on
 * @hono/node-server, undici to the upstream): no validation, no caller auth, no breakers,
 * no mapping, no telemetry. The client sends the carrier's own wire request with its own
 * bearer token; the proxy forwards method, path, headers and body and streams the answer back.
 * The gateway's cost is measured against this.
 */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { Agent, request } from 'undici';
import { serveRpc, settingsOf } from '../lib/rpc.ts';
import { serveOnLoopback } from './serve-loopback.ts';

const Settings = z.object({ upstream: z.string() });

export interface BareProxyReady {
  url: string;
}

/** Hop-by-hop and length headers are the proxy's own business (RFC 9110 7.6.1). */
const DROP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const { upstream } = settingsOf(Settings);
const base = upstream.replace(/\/+$/, '');
const agent = new Agent({ keepAliveTimeout: 10_000 });

const app = new Hono();
app.all('*', async (c) => {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (!DROP.has(name)) headers[name] = value;
  });
  const method = c.req.method;
  const body = method === 'GET' || method === 'HEAD' ? null : Buffer.from(await c.req.arrayBuffer());
  const url = new URL(c.req.url);
  const answer = await request(`${base}${url.pathname}${url.search}`, {
    method: method as 'GET',
    headers,
    body,
    dispatcher: agent,
  });
  const bytes = await answer.body.arrayBuffer();
  const out: Record<string, string> = {};
  for (const name of ['content-type', 'content-encoding']) {
    const value = answer.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return new Response(bytes, { status: answer.statusCode, headers: out });
});

const server = await serveOnLoopback(app.fetch);

serveRpc({ url: server.url } satisfies BareProxyReady, {}, async () => {
  await server.close();
  await agent.close();
});
