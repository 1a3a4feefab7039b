/**
 * The control plane an isolate uses on Workers. The store asks the key group's control object
 * (a Durable Object: one per account, one for the fleet), so state is shared by every isolate.
 *
 * Broadcast: an isolate cannot hold a subscription, so a message is appended to a log in the
 * `{fleet}` object and delivered to this isolate's own subscribers at once; other isolates
 * poll the log (`sync`, at most once per `pollEveryMs`, at the start of a request and on every
 * Cron Trigger) and deliver what they had not seen. Delivery is at most once and best effort,
 * as the Broadcast port promises: an isolate that polls after a message left the log (or
 * while the object is unreachable) never hears it. Nothing depends on hearing it — the store
 * is the truth (tombstones, account records); messages only make other isolates act sooner.
 *
 * A poll also carries the isolate's fleet heartbeat every few seconds, so the fleet counts
 * the isolates that served recently (the revoke-all report, budgets divided by instances).
 */
import type { CompareAndSetResult } from '../../../auth/types.ts';
import { MEMBERS_KEY, memberEntry } from '../../../control/members.ts';
import { type Broadcast, type ControlPlane, type ControlStore, keyGroup } from '../../../control/types.ts';
import type { DurableObjectNamespace } from '../durable-object.ts';
import { BROADCAST_GROUP, CONTROL_URL, ControlAnswer, type ControlCall, controlName } from './protocol.ts';

export interface WorkerControlPlane extends ControlPlane {
  /** Delivers the messages other isolates published since the last poll (throttled unless forced). */
  sync(options?: { force?: boolean }): Promise<void>;
}

export interface WorkerControlOptions {
  namespace: DurableObjectNamespace;
  /** The shortest time between two polls of the broadcast log (default 1 s). */
  pollEveryMs?: number;
  /** Bounds one call to a control object (default 10 s). */
  callTimeoutMs?: number;
  now?: () => number;
}

export class ControlPlaneUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the control plane did not answer', { cause });
    this.name = 'ControlPlaneUnavailableError';
  }
}

type Ok = Extract<ControlAnswer, { ok: true }>;
/** How often a poll carries the isolate's heartbeat (members count as live for three times this). */
const BEAT_EVERY_MS = 5_000;
/** The heartbeats are a map of the object that keeps the log, so a poll can write one. */
const BEATS_WITH_POLL = keyGroup(MEMBERS_KEY) === BROADCAST_GROUP;
/** Deep copies: a subscriber mutating its message cannot change what another one sees. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export function createWorkerControlPlane(options: WorkerControlOptions): WorkerControlPlane {
  const { namespace } = options;
  const now = options.now ?? Date.now;
  const pollEveryMs = options.pollEveryMs ?? 1_000;
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const instanceId = crypto.randomUUID();

  async function call(group: string, body: ControlCall): Promise<Ok> {
    // A stub is bound to the request that made it: a fresh one for every call.
    const stub = namespace.get(namespace.idFromName(controlName(group)));
    let answer: ControlAnswer;
    try {
      const res = await stub.fetch(CONTROL_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(callTimeoutMs),
      });
      answer = ControlAnswer.parse(await res.json());
    } catch (error) {
      throw new ControlPlaneUnavailableError(error);
    }
    if (!answer.ok) throw new ControlPlaneUnavailableError(answer.error);
    return answer;
  }
  const at = (key: string, body: ControlCall) => call(keyGroup(key), body);

  const store: ControlStore = {
    async get(key) {
      return (await at(key, { op: 'get', key })).entry;
    },
    async compareAndSet(key, expectedVersion, value, ttlMs): Promise<CompareAndSetResult<unknown>> {
      const ttl = ttlMs === undefined ? undefined : Math.max(1, Math.ceil(ttlMs));
      const answer = await at(key, {
        op: 'compareAndSet',
        key,
        expectedVersion,
        value: copy(value),
        ...(ttl !== undefined ? { ttlMs: ttl } : {}),
      });
      if (answer.written && answer.version !== undefined) return { ok: true, version: answer.version };
      return { ok: false, current: answer.entry };
    },
    async take(key) {
      return (await at(key, { op: 'take', key })).value;
    },
    async delete(key) {
      await at(key, { op: 'delete', key });
    },
    async mapGet(key) {
      return (await at(key, { op: 'mapGet', key })).map ?? {};
    },
    async mapSet(key, field, value) {
      await at(key, { op: 'mapSet', key, field, value: copy(value) });
    },
    async mapDelete(key, field) {
      await at(key, { op: 'mapDelete', key, field });
    },
    async increment(key, deltas, ttlMs) {
      if (Object.keys(deltas).length === 0) return;
      await at(key, { op: 'increment', key, deltas: { ...deltas }, ttlMs: Math.max(1, Math.ceil(ttlMs)) });
    },
    async counters(key) {
      return (await at(key, { op: 'counters', key })).counters ?? {};
    },
  };

  // Handlers may return a promise (the work a message starts): a poll waits for it, since a
  // Worker cancels what its request left running.
  const handlers = new Map<string, Set<(message: unknown) => unknown>>();
  function deliver(topic: string, message: unknown): Promise<unknown>[] {
    const started: Promise<unknown>[] = [];
    for (const handler of handlers.get(topic) ?? []) {
      try {
        const result = handler(copy(message));
        if (result instanceof Promise) started.push(result.catch(() => undefined));
      } catch {
        // One subscriber failing must not keep the others from hearing it.
      }
    }
    return started;
  }

  const startedAt = now();
  let beatAt = Number.NEGATIVE_INFINITY;

  /** The last log position this isolate has seen (undefined: it has not polled yet). */
  let seen: number | undefined;
  let lastPollAt = Number.NEGATIVE_INFINITY;

  const broadcast: Broadcast = {
    async publish(topic, message) {
      const own = copy(message);
      // This isolate hears its own message at once (the poll skips it), as a real broadcast would.
      queueMicrotask(() => deliver(topic, own));
      await call(BROADCAST_GROUP, { op: 'publish', topic, from: instanceId, message: own });
    },
    subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(handler);
      return () => set.delete(handler);
    },
  };

  /** When the poll in flight started: polls never overlap, so none delivers a message twice. */
  let pollingSince: number | undefined;

  async function sync(syncOptions: { force?: boolean } = {}): Promise<void> {
    const started = now();
    if (!syncOptions.force && started - lastPollAt < pollEveryMs) return;
    // A poll whose request went away never settles: after its timeout it no longer counts.
    if (pollingSince !== undefined && started - pollingSince < callTimeoutMs) return;
    lastPollAt = started;
    pollingSince = started;
    const after = seen;
    let answer: Ok;
    try {
      const beat =
        BEATS_WITH_POLL && started - beatAt >= BEAT_EVERY_MS
          ? { key: MEMBERS_KEY, field: instanceId, value: memberEntry(started, startedAt) }
          : undefined;
      answer = await call(BROADCAST_GROUP, {
        op: 'poll',
        ...(after !== undefined ? { after } : {}),
        ...(beat ? { beat } : {}),
      });
      if (beat) beatAt = started;
    } catch {
      return; // Best effort: the store still holds the truth; the next poll tries again.
    } finally {
      pollingSince = undefined;
    }
    const position = answer.seq ?? 0;
    // First poll: only the position (a new isolate read the truth from the store). A log below
    // our position restarted (its storage was reset): follow it from where it is.
    seen = after === undefined || position < after ? position : Math.max(after, position);
    if (after === undefined) return;
    const work: Promise<unknown>[] = [];
    for (const entry of answer.entries ?? []) {
      if (entry.seq > after && entry.from !== instanceId) work.push(...deliver(entry.topic, entry.message));
    }
    await Promise.allSettled(work);
  }

  return { store, broadcast, instanceId, sync };
}
