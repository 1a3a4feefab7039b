/**
 * An open-loop load at a fixed rate: request i is due at start + i/rate, whatever happened
 * to the others, and its latency is counted from when it was due (so a slow server cannot
 * hide its queue by slowing the load down: no coordinated omission).
 *
 * Why not autocannon's -R: its rate limit lets each connection send its whole quota back to
 * back at the top of every second, then pause (lib/httpClient.js, rateInterval), so "300/s"
 * is a burst of 300 each second and its latencies measure the burst. HTTP here is undici's
 * Pool, the same client the gateway uses upstream.
 */
import { Pool } from 'undici';

export interface PacedOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
  rate: number;
  durationSec: number;
  connections: number;
  timeoutSec: number;
}

export interface PacedAnswer {
  /** Epoch ms when the answer was complete. */
  at: number;
  /** From when the request was due to the last byte of the answer. */
  latencyMs: number;
  status: number;
  body: string;
}

/** Runs the load; `onAnswer` sees every answer (status 0 = no answer: error or timeout). */
export async function pacedLoad(
  options: PacedOptions,
  onAnswer: (answer: PacedAnswer) => void,
): Promise<{ durationSec: number; sent: number; errors: number; timeouts: number }> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
  const path = `${url.pathname}${url.search}`;
  const timeoutMs = options.timeoutSec * 1000;
  const total = Math.round(options.rate * options.durationSec);
  const intervalMs = 1000 / options.rate;
  let sent = 0;
  let errors = 0;
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const epoch = () => performance.timeOrigin + performance.now();

  const send = (dueAt: number) => {
    const done = pool
      .request({
        path,
        method: options.method,
        headers: options.headers,
        body: options.body ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      .then(async (res) => {
        const body = await res.body.text();
        onAnswer({ at: epoch(), latencyMs: performance.now() - dueAt, status: res.statusCode, body });
      })
      .catch((error: unknown) => {
        const code = (error as { code?: string }).code ?? '';
        if (code.includes('TIMEOUT')) timeouts += 1;
        else errors += 1;
        onAnswer({ at: epoch(), latencyMs: performance.now() - dueAt, status: 0, body: '' });
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        send(started + sent * intervalMs);
        sent += 1;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, started + sent * intervalMs - performance.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  const durationSec = (performance.now() - started) / 1000;
  await pool.close();
  return { durationSec, sent, errors, timeouts };
}
