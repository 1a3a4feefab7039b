/**
 * A control object: one Durable Object per key group (`{account}` or `{fleet}`) holding that
 * group's control state — compare-and-set entries with versions and lifetimes, single-use
 * takes, maps and counters — over the object's own storage. Every operation runs after the
 * previous one finished (a promise chain), so each is atomic whatever the runtime
 * interleaves; an expired entry reads as absent, and an alarm deletes expired ones.
 *
 * The `{fleet}` object also keeps the broadcast log: the last messages, each with a sequence
 * number, which isolates poll (they cannot hold subscriptions).
 */
import type { DurableObjectState } from '../durable-object.ts';
import { type ControlAnswer, ControlCall, type LogEntry } from './protocol.ts';

/** The log keeps at most this many messages, none older than LOG_MAX_AGE_MS. */
export const LOG_MAX_ENTRIES = 256;
export const LOG_MAX_AGE_MS = 10 * 60_000;

const VERSION_KEY = 'meta:version';
const LOG_SEQ_KEY = 'log:seq';
const LOG_KEY = 'log:entries';
const ENTRY = 'e:';
const COUNTER = 'c:';
/** Map fields: the key's length first, so no key is a prefix of another's fields. */
const mapPrefix = (key: string) => `m:${key.length}:${key}:`;

interface Entry {
  value: unknown;
  version: number;
  expiresAt?: number;
}
interface Counters {
  values: Record<string, number>;
  expiresAt: number;
}

const json = (body: ControlAnswer | { error: string }, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const live = <T extends { expiresAt?: number }>(item: T | undefined, at: number): T | undefined =>
  item !== undefined && (item.expiresAt === undefined || item.expiresAt > at) ? item : undefined;

export class ControlObject {
  readonly #state: DurableObjectState;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(state: DurableObjectState, _env: unknown) {
    this.#state = state;
  }

  async fetch(request: Request): Promise<Response> {
    const parsed = ControlCall.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) return json({ error: 'bad control call' }, 400);
    try {
      return json(await this.#serial(() => this.#run(parsed.data)));
    } catch (error) {
      return json({ ok: false, error: error instanceof Error ? error.name : 'error' });
    }
  }

  /** Deletes what expired, then sleeps until the next expiry. */
  async alarm(): Promise<void> {
    await this.#serial(async () => {
      const at = Date.now();
      let next = Number.POSITIVE_INFINITY;
      for (const prefix of [ENTRY, COUNTER]) {
        const items = await this.#storage.list<{ expiresAt?: number }>({ prefix });
        for (const [key, item] of items) {
          if (item.expiresAt === undefined) continue;
          if (item.expiresAt <= at) await this.#storage.delete(key);
          else next = Math.min(next, item.expiresAt);
        }
      }
      if (Number.isFinite(next)) await this.#storage.setAlarm(next);
    });
  }

  get #storage() {
    return this.#state.storage;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #expireAt(expiresAt: number): Promise<void> {
    const armed = await this.#storage.getAlarm();
    if (armed === null || armed > expiresAt) await this.#storage.setAlarm(expiresAt);
  }

  async #entry(key: string): Promise<Entry | undefined> {
    return live(await this.#storage.get<Entry>(ENTRY + key), Date.now());
  }

  async #run(call: ControlCall): Promise<ControlAnswer> {
    switch (call.op) {
      case 'get': {
        const entry = await this.#entry(call.key);
        return { ok: true, ...(entry ? { entry: { value: entry.value, version: entry.version } } : {}) };
      }
      case 'compareAndSet':
        return this.#compareAndSet(call.key, call.expectedVersion, call.value, call.ttlMs);
      case 'take': {
        const entry = await this.#entry(call.key);
        await this.#storage.delete(ENTRY + call.key);
        return { ok: true, ...(entry ? { value: entry.value } : {}) };
      }
      case 'delete':
        await this.#storage.delete(ENTRY + call.key);
        return { ok: true };
      case 'mapGet': {
        const prefix = mapPrefix(call.key);
        const fields = await this.#storage.list({ prefix });
        return {
          ok: true,
          map: Object.fromEntries([...fields].map(([k, v]) => [k.slice(prefix.length), v])),
        };
      }
      case 'mapSet':
        await this.#storage.put(mapPrefix(call.key) + call.field, call.value);
        return { ok: true };
      case 'mapDelete':
        await this.#storage.delete(mapPrefix(call.key) + call.field);
        return { ok: true };
      case 'increment':
        return this.#increment(call.key, call.deltas, call.ttlMs);
      case 'counters': {
        const current = live(await this.#storage.get<Counters>(COUNTER + call.key), Date.now());
        return { ok: true, counters: current ? { ...current.values } : {} };
      }
      case 'publish':
        return this.#publish(call.topic, call.from, call.message);
      case 'poll':
        if (call.beat) await this.#storage.put(mapPrefix(call.beat.key) + call.beat.field, call.beat.value);
        return this.#poll(call.after);
    }
  }

  async #compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    ttlMs: number | undefined,
  ): Promise<ControlAnswer> {
    const current = await this.#entry(key);
    if ((current?.version ?? 0) !== expectedVersion) {
      return {
        ok: true,
        written: false,
        ...(current ? { entry: { value: current.value, version: current.version } } : {}),
      };
    }
    // One counter for the object, never reset: a key written again after a delete never reuses a version.
    const version = ((await this.#storage.get<number>(VERSION_KEY)) ?? 0) + 1;
    const expiresAt = ttlMs === undefined ? undefined : Date.now() + ttlMs;
    await this.#storage.put(VERSION_KEY, version);
    await this.#storage.put(ENTRY + key, { value, version, ...(expiresAt ? { expiresAt } : {}) });
    if (expiresAt !== undefined) await this.#expireAt(expiresAt);
    return { ok: true, written: true, version };
  }

  async #increment(key: string, deltas: Record<string, number>, ttlMs: number): Promise<ControlAnswer> {
    const at = Date.now();
    const current = live(await this.#storage.get<Counters>(COUNTER + key), at);
    const values = { ...(current?.values ?? {}) };
    for (const [field, delta] of Object.entries(deltas)) values[field] = (values[field] ?? 0) + delta;
    await this.#storage.put(COUNTER + key, { values, expiresAt: at + ttlMs } satisfies Counters);
    await this.#expireAt(at + ttlMs);
    return { ok: true };
  }

  async #log(): Promise<{ seq: number; entries: LogEntry[] }> {
    const [seq, entries] = await Promise.all([
      this.#storage.get<number>(LOG_SEQ_KEY),
      this.#storage.get<LogEntry[]>(LOG_KEY),
    ]);
    return { seq: seq ?? 0, entries: entries ?? [] };
  }

  async #publish(topic: string, from: string, message: unknown): Promise<ControlAnswer> {
    const at = Date.now();
    const log = await this.#log();
    const seq = log.seq + 1;
    const entries = [...log.entries, { seq, topic, from, at, message }]
      .filter((e) => at - e.at <= LOG_MAX_AGE_MS)
      .slice(-LOG_MAX_ENTRIES);
    await this.#storage.put(LOG_SEQ_KEY, seq);
    await this.#storage.put(LOG_KEY, entries);
    return { ok: true, seq };
  }

  async #poll(after: number | undefined): Promise<ControlAnswer> {
    const log = await this.#log();
    if (after === undefined) return { ok: true, seq: log.seq, entries: [] };
    const at = Date.now();
    return {
      ok: true,
      seq: log.seq,
      entries: log.entries.filter((e) => e.seq > after && at - e.at <= LOG_MAX_AGE_MS),
    };
  }
}
