/**
 * The load generator, in its own process: an open-loop, fixed-rate stream of requests (request
 * i is due at start + i/rate, whatever happened to the others) spread over the gateway
 * instances like a round-robin load balancer. A connection that cannot be made, or that dies
 * before an answer, is tried again on the next instance (labels keep their Idempotency-Key, so
 * that is safe by the API's contract) until the request's deadline. Every answer is recorded.
 * After the run it replays chosen label keys with their original body.
 */
import { z } from '@hono/zod-openapi';
import { Pool } from 'undici';
import { serveRpc, settingsOf } from '../../lib/rpc.ts';
import { createRandom } from '../lib/random.ts';
import { type AnswerRecord, classify } from './answers.ts';
import { createMix, type MixMemory, type PlannedRequest } from './mix.ts';

const Settings = z.object({
  instances: z.array(z.string()).min(1),
  apiKey: z.string(),
  seed: z.number().int(),
  runId: z.string(),
  connectionsPerInstance: z.number().int().positive().default(256),
});

const RunParams = z.object({
  rate: z.number().positive(),
  durationSec: z.number().positive(),
  deadlineMs: z.number().int().positive(),
});

const settings = settingsOf(Settings);
const pools = settings.instances.map(
  (url) =>
    new Pool(url, { connections: settings.connectionsPerInstance, pipelining: 1, connectTimeout: 2_000 }),
);
const memory: MixMemory = { labels: [], tracked: [] };
const mix = createMix(createRandom(settings.seed).fork('load'), settings.runId);
const bodies = new Map<string, string>();
/** The body of the request a key's label-outcome-unknown answered: what its replay sends. */
const unknownBodies = new Map<string, string>();
let nextInstance = 0;
let nextId = 0;

/** Errors after which the request may be sent again elsewhere (the connection failed or died). */
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Errors of a connection never made: the request was not sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? 'unknown';
}

async function send(
  request: PlannedRequest,
  dueAt: number,
  deadlineMs: number,
  instance?: number,
): Promise<AnswerRecord> {
  const id = nextId++;
  const deadline = dueAt + deadlineMs;
  let tries = 0;
  let lostTries = 0;
  let target = instance ?? nextInstance++ % pools.length;
  const base = {
    id,
    kind: request.kind,
    dueAt,
    ...(request.key ? { key: request.key } : {}),
    ...(request.reference ? { reference: request.reference } : {}),
    ...(request.carrier ? { carrier: request.carrier } : {}),
    ...(request.flaw ? { flaw: request.flaw } : {}),
  };
  const lost = () => (lostTries > 0 ? { lostTries } : {});
  for (;;) {
    tries += 1;
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      return {
        ...base,
        ...lost(),
        doneAt: Date.now(),
        instance: target,
        tries,
        status: 0,
        outcome: 'timeout',
      };
    try {
      const res = await pools[target]!.request({
        path: request.path,
        method: request.method,
        headers: {
          authorization: `Bearer ${settings.apiKey}`,
          'x-request-id': `soak-${id}-${tries}`,
          ...request.headers,
        },
        body: request.body ?? null,
        headersTimeout: remaining,
        bodyTimeout: remaining,
      });
      const text = await res.body.text();
      const contentType = String(res.headers['content-type'] ?? '');
      return {
        ...base,
        ...lost(),
        doneAt: Date.now(),
        instance: target,
        tries,
        status: res.statusCode,
        outcome: 'unexpected',
        ...classify(res.statusCode, contentType, text),
        ...(request.carrier ? { carrier: request.carrier } : {}),
      };
    } catch (error) {
      const code = errorCode(error);
      if (code.includes('TIMEOUT') && code !== 'UND_ERR_CONNECT_TIMEOUT') {
        return {
          ...base,
          ...lost(),
          doneAt: Date.now(),
          instance: target,
          tries,
          status: 0,
          outcome: 'timeout',
        };
      }
      if (!RETRYABLE.has(code) || Date.now() >= deadline) {
        return {
          ...base,
          ...lost(),
          doneAt: Date.now(),
          instance: target,
          tries,
          status: 0,
          outcome: `no-answer:${code}`,
        };
      }
      if (!NOT_SENT.has(code)) lostTries += 1;
      target = (target + 1) % pools.length;
      // A whole fleet restarting: do not spin.
      if (tries % pools.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function remember(request: PlannedRequest, answer: AnswerRecord): void {
  if (request.key && request.kind === 'label') {
    const sent = memory.labels.find((l) => l.key === request.key);
    if (sent) sent.answered = true;
  }
  if (answer.outcome === 'label' && answer.trackingNumber && answer.servedBy) {
    memory.tracked.push({ carrier: answer.servedBy, trackingNumber: answer.trackingNumber });
    if (memory.tracked.length > 500) memory.tracked.shift();
  }
}

async function run(raw: unknown): Promise<AnswerRecord[]> {
  const { rate, durationSec, deadlineMs } = RunParams.parse(raw);
  const records: AnswerRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(rate * durationSec);
  const interval = 1000 / rate;
  const start = Date.now();
  const dispatch = (request: PlannedRequest, dueAt: number, instance?: number) => {
    if (request.key && request.body && request.kind === 'label') bodies.set(request.key, request.body);
    const done = send(request, dueAt, deadlineMs, instance)
      .then((answer) => {
        records.push(answer);
        remember(request, answer);
        if (answer.outcome === 'problem:label-outcome-unknown' && request.key && request.body)
          if (!unknownBodies.has(request.key)) unknownBodies.set(request.key, request.body);
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      while (sent < total && start + sent * interval <= now) {
        const dueAt = start + sent * interval;
        const request = mix.next(memory);
        if (request.kind === 'label-repeat-concurrent') {
          // The same key at the same instant on two instances.
          const first = nextInstance++ % pools.length;
          dispatch(request, dueAt, first);
          dispatch(request, dueAt, (first + 1) % pools.length);
        } else dispatch(request, dueAt);
        sent += 1;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(1, Math.min(20, start + sent * interval - Date.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  return records;
}

/**
 * Sends each key again with the body its label-outcome-unknown answered (the original body,
 * unless the key's first use was a conflicting body), one after the other, on successive
 * instances.
 */
async function replay(raw: unknown): Promise<AnswerRecord[]> {
  const { keys, deadlineMs } = z.object({ keys: z.array(z.string()), deadlineMs: z.number() }).parse(raw);
  const answers: AnswerRecord[] = [];
  for (const key of keys) {
    const body = unknownBodies.get(key) ?? bodies.get(key);
    if (!body) continue;
    const request: PlannedRequest = {
      kind: 'label-repeat',
      method: 'POST',
      path: '/v1/labels',
      body,
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      key,
    };
    answers.push(await send(request, Date.now(), deadlineMs));
  }
  return answers;
}

serveRpc({ pid: process.pid }, { run, replay }, async () => {
  await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
});
