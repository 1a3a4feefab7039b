/**
 * Baseline process: the least any gateway that understands the carrier's answer must do on
 * the hot path, with the same stack (Hono on @hono/node-server, undici to the upstream). It
 * takes the gateway's own request (`POST /v1/rates`, the unified JSON body), parses it,
 * writes the carrier's wire body (JSON), calls the UPS simulator, parses its JSON answer and
 * answers one rate per rated service as JSON. No validation, no caller auth, no breakers, no
 * telemetry, no money arithmetic: what is left is the JSON work both ends of a translating
 * gateway cannot skip. Its throughput is the ceiling a gateway that reads answers can reach on
 * this machine; the gateway's cost beyond it is the cost of its promises.
 */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { Pool } from 'undici';
import { serveRpc, settingsOf } from '../lib/rpc.ts';
import { serveOnLoopback } from './serve-loopback.ts';

const Settings = z.object({
  upstream: z.string(),
  /** The carrier request the gateway's mapping wrote for the benchmark's body (wire.ts). */
  wire: z.object({ path: z.string(), headers: z.record(z.string(), z.string()), body: z.string() }),
});

export interface ReadingProxyReady {
  url: string;
}

interface Charge {
  CurrencyCode?: string;
  MonetaryValue?: string;
}

interface RatedShipment {
  Service?: { Code?: string };
  TotalCharges?: Charge;
  NegotiatedRateCharges?: { TotalCharge?: Charge };
}

const { upstream, wire } = settingsOf(Settings);
const origin = new URL(upstream).origin;
const basePath = new URL(upstream).pathname.replace(/\/+$/, '');
const pool = new Pool(origin, { connections: 256, keepAliveTimeout: 10_000 });
// Parsed once: each request writes it again as JSON, as a mapping writes its wire body.
const wireBody = JSON.parse(wire.body) as { RateRequest: { Shipment: Record<string, unknown> } };
const decoder = new TextDecoder();

const app = new Hono();
app.post('/v1/rates', async (c) => {
  const request = (await c.req.json()) as { shipper?: { countryCode?: string }; parcels?: unknown[] };
  const shipment = { ...wireBody.RateRequest.Shipment, NumOfPieces: String(request.parcels?.length ?? 1) };
  const answer = await pool.request({
    method: 'POST',
    path: `${basePath}${wire.path}`,
    headers: wire.headers,
    body: JSON.stringify({ RateRequest: { ...wireBody.RateRequest, Shipment: shipment } }),
  });
  const parsed = JSON.parse(decoder.decode(await answer.body.bytes())) as {
    RateResponse?: { RatedShipment?: RatedShipment | RatedShipment[] };
  };
  const rated = parsed.RateResponse?.RatedShipment ?? [];
  const rates = (Array.isArray(rated) ? rated : [rated]).map((r) => {
    const total = r.NegotiatedRateCharges?.TotalCharge ?? r.TotalCharges;
    return {
      carrier: 'ups',
      service: { code: r.Service?.Code },
      total: { amount: total?.MonetaryValue, currency: total?.CurrencyCode },
      from: request.shipper?.countryCode,
    };
  });
  return c.json({ rates }, answer.statusCode === 200 ? 200 : 502);
});

const server = await serveOnLoopback(app.fetch);

serveRpc({ url: server.url } satisfies ReadingProxyReady, {}, async () => {
  await server.close();
  await pool.close();
});
