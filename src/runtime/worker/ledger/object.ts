/**
 * The idempotency ledger: one Durable Object per Idempotency-Key, so a label is bought at
 * most once whichever isolates the first request and its replays land on. A replay that
 * arrives while the first request runs waits here (promises may be shared inside an
 * object, never across a Worker's requests). Records are deleted by an alarm after 24 h.
 */
import { IDEMPOTENCY_TTL_MS } from '../../../resilience/idempotency.ts';
import type { DurableObjectState } from '../durable-object.ts';
import { type LedgerAnswer, LedgerCall, type Outcome } from './protocol.ts';

/** After this long without an outcome the first request is presumed gone (its isolate died). */
export const LEASE_MS = 5 * 60_000;
const RECORD_KEY = 'record';

interface LedgerRecord {
  fingerprint: string;
  startedAt: number;
  outcome?: Outcome;
}

const json = (body: LedgerAnswer | { error: string }, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export class IdempotencyLedger {
  readonly #state: DurableObjectState;
  #waiters: (() => void)[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(state: DurableObjectState, _env: unknown) {
    this.#state = state;
  }

  async fetch(request: Request): Promise<Response> {
    const parsed = LedgerCall.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) return json({ error: 'bad ledger call' }, 400);
    const call = parsed.data;
    return json(
      call.op === 'begin'
        ? await this.#begin(call.fingerprint, call.waitMs)
        : await this.#settle(call.fingerprint, call.outcome),
    );
  }

  async alarm(): Promise<void> {
    await this.#state.storage.deleteAll();
  }

  /** Read-modify-write steps run one after the other, whatever the runtime interleaves. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #record(): Promise<LedgerRecord | undefined> {
    return this.#state.storage.get<LedgerRecord>(RECORD_KEY);
  }

  async #begin(fingerprint: string, waitMs: number): Promise<LedgerAnswer> {
    const first = await this.#serial(() => this.#claim(fingerprint));
    if (first.state !== 'pending') return first;
    // Outside the serial section: the settle that wakes us must be able to run.
    await this.#settledOrTimeout(waitMs);
    const later = await this.#record();
    return later?.outcome !== undefined ? { state: 'settled', outcome: later.outcome } : { state: 'pending' };
  }

  /** Creates the record (the caller runs the work) or reports the key's state. */
  async #claim(fingerprint: string): Promise<LedgerAnswer> {
    const record = await this.#record();
    if (record === undefined) {
      const startedAt = Date.now();
      await this.#state.storage.put(RECORD_KEY, { fingerprint, startedAt } satisfies LedgerRecord);
      await this.#state.storage.setAlarm(startedAt + IDEMPOTENCY_TTL_MS);
      return { state: 'run' };
    }
    if (record.fingerprint !== fingerprint) return { state: 'conflict' };
    if (record.outcome !== undefined) return { state: 'settled', outcome: record.outcome };
    if (Date.now() - record.startedAt > LEASE_MS) return { state: 'abandoned' };
    return { state: 'pending' };
  }

  async #settle(fingerprint: string, outcome: Outcome): Promise<LedgerAnswer> {
    const answer = await this.#serial(async (): Promise<LedgerAnswer> => {
      const record = await this.#record();
      if (record === undefined || record.fingerprint !== fingerprint) return { state: 'conflict' };
      // The first outcome stays: a late or repeated settle never replaces it.
      if (record.outcome === undefined) {
        await this.#state.storage.put(RECORD_KEY, { ...record, outcome } satisfies LedgerRecord);
      }
      return { state: 'recorded' };
    });
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
    return answer;
  }

  #settledOrTimeout(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
