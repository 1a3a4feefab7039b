/**
 * Load generator process, in its own process so the load's CPU never counts against the
 * server it measures. As fast as possible (closed loop): autocannon's programmatic API. At a
 * fixed rate (open loop): the paced generator of lib/paced.ts (autocannon's -R sends bursts,
 * see there). Latencies are recorded per response as floats (autocannon's own histogram has
 * 1 ms resolution; the goals here are about 2 ms). In timeline mode every answer is kept
 * with its time, status and serving carrier, for the failover scenario.
 */
import { createRequire } from 'node:module';
import { z } from '@hono/zod-openapi';
import { pacedLoad } from '../lib/paced.ts';
import { serveRpc } from '../lib/rpc.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

export const LoadOptions = z.object({
  url: z.string(),
  method: z.enum(['GET', 'POST']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  connections: z.number().int().positive().default(32),
  durationSec: z.number().positive(),
  /** Fixed total rate (requests/s, open loop, paced) instead of as fast as possible. */
  overallRate: z.number().int().positive().optional(),
  /** Keep each answer: [epoch ms at the answer, latency ms, status, serving carrier or '']. */
  timeline: z.boolean().default(false),
  timeoutSec: z.number().positive().default(10),
});
export type LoadOptions = z.input<typeof LoadOptions>;

export type TimelineEvent = [atEpochMs: number, latencyMs: number, status: number, servedBy: string];

export interface LoadResult {
  durationSec: number;
  responses: number;
  /** 2xx answers per second over the run. */
  okPerSec: number;
  status: Record<string, number>;
  errors: number;
  timeouts: number;
  latency: LatencySummary;
  timeline?: TimelineEvent[];
}

interface AutocannonClient {
  on(event: 'response', listener: (status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonInstance {
  on(event: 'done', listener: (result: { errors: number; timeouts: number; duration: number }) => void): void;
}
type Autocannon = (
  options: Record<string, unknown>,
  callback?: (error: Error | null) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The carrier that served a rates answer (from its routing record), '' when none did. */
function servedBy(body: string): string {
  try {
    const parsed = JSON.parse(body) as { rates?: unknown[]; routing?: { servedBy?: string | null }[] };
    if (!parsed.rates?.length) return '';
    return parsed.routing?.find((r) => r.servedBy)?.servedBy ?? '';
  } catch {
    return '';
  }
}

async function paced(options: z.output<typeof LoadOptions>, rate: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const timeline: TimelineEvent[] = [];
  const status: Record<string, number> = {};
  const result = await pacedLoad({ ...options, rate }, (answer) => {
    latencies.push(answer.latencyMs);
    status[answer.status] = (status[answer.status] ?? 0) + 1;
    if (options.timeline)
      timeline.push([
        answer.at,
        answer.latencyMs,
        answer.status,
        answer.status === 200 ? servedBy(answer.body) : '',
      ]);
  });
  return {
    durationSec: result.durationSec,
    responses: latencies.length,
    okPerSec: okCount(status) / result.durationSec,
    status,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: summarize(latencies),
    ...(options.timeline ? { timeline } : {}),
  };
}

const okCount = (status: Record<string, number>) =>
  Object.entries(status)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);

function run(raw: unknown): Promise<LoadResult> {
  const options = LoadOptions.parse(raw);
  if (options.overallRate !== undefined) return paced(options, options.overallRate);
  const latencies: number[] = [];
  const timeline: TimelineEvent[] = [];
  const status: Record<string, number> = {};
  let lastBody = '';

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        timeout: options.timeoutSec,
        requests: [
          {
            method: options.method,
            headers: options.headers,
            ...(options.body !== undefined ? { body: options.body } : {}),
            // Called synchronously just before the client's 'response' event for the same answer.
            ...(options.timeline ? { onResponse: (_s: number, body: string) => (lastBody = body) } : {}),
          },
        ],
        setupClient: (client: AutocannonClient) => {
          client.on('response', (code, _bytes, ms) => {
            latencies.push(ms);
            status[code] = (status[code] ?? 0) + 1;
            if (options.timeline) {
              timeline.push([performance.timeOrigin + performance.now(), ms, code, servedBy(lastBody)]);
              lastBody = '';
            }
          });
        },
      },
      (error) => {
        if (error) reject(error);
      },
    );
    instance.on('done', (result) => {
      resolve({
        durationSec: result.duration,
        responses: latencies.length,
        okPerSec: okCount(status) / result.duration,
        status,
        errors: result.errors,
        timeouts: result.timeouts,
        latency: summarize(latencies),
        ...(options.timeline ? { timeline } : {}),
      });
    });
  });
}

serveRpc({ pid: process.pid }, { run });
