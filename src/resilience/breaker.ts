/**
 * One opossum circuit breaker around "a call that may fail with a classified error". The
 * action is the call itself, so opossum's own state machine decides (rolling window,
 * volume threshold, single half-open probe). Classified weights become extra recorded
 * failures; errors that must not count are filtered.
 */
import CircuitBreaker from 'opossum';
import type { FailureClass } from '../domain/failure.ts';
import { CarrierError, isCarrierError } from '../domain/failure.ts';
import type { BreakerState, LastFailure } from '../events/types.ts';
import { type BreakerDrive, CallDrivenRotation } from './call-driven.ts';
import type { BreakerSettings } from './settings.ts';

export type { BreakerState, LastFailure } from '../events/types.ts';

export interface BreakerEvents {
  /** `breaker` lets one handler serve every breaker of a board (no closure per breaker). */
  stateChange?(state: BreakerState, lastFailure: LastFailure | undefined, breaker: ClassifiedBreaker): void;
}

/** The fired call; `probe` marks the half-open probe (opossum hands it to the error filter). */
type Call = (() => Promise<unknown>) & { probe?: boolean };

export interface ClassifiedBreakerOptions {
  /** Default `carrier:account:kind`, built when asked (not held by 100,000 breakers). */
  name?: string;
  carrier: string;
  account: string;
  /** Which of the account's breakers this is ('auth' refusals are auth errors). */
  kind?: 'auth' | 'api';
  settings: BreakerSettings;
  /** How many failures one error counts for (0: not at all). */
  weightOf(error: unknown): number;
  /** Opens at once after `count` failures in a row of these classes (whatever the window holds). */
  consecutiveTrip?: { classes: ReadonlySet<FailureClass>; count: number };
  events?: BreakerEvents;
  now?: () => number;
  /**
   * Asked before the half-open probe goes out, once per half-open period: several instances
   * let only one of them probe (breaker-sync.ts); a denial re-opens this breaker before it resolves.
   */
  probePermit?: (breaker: ClassifiedBreaker) => Promise<boolean>;
  /** 'calls': no timers; the window rolls and open turns half-open when next used (Workers). */
  drive?: BreakerDrive;
}

const BUCKETS = 10;
/** The longest timer delay Node accepts (about 24.8 days): opossum's reset timer, parked. */
const CALL_DRIVEN_RESET_TIMER_MS = 2 ** 31 - 1;

/**
 * Tenant scale: an opossum breaker costs ~8 KB (emitter, listeners, ten buckets, options), so
 * one is built only while it has something to decide: from the first counted failure (or a
 * forced open) until it is closed again with no failure, reject or in-flight call in its
 * window. Until then ("light") the breaker is closed and only counts its calls per bucket,
 * exactly what opossum would hold for them (fires = successes), and hands the counts over
 * when it builds one. The window rolls on use in both drives: no interval per breaker.
 */
export class ClassifiedBreaker {
  #breaker: CircuitBreaker<[Call], unknown> | undefined;
  #options: ClassifiedBreakerOptions;
  #lastFailure: LastFailure | undefined;
  #openedAt: number | undefined;
  #permit: Promise<boolean> | undefined;
  #consecutive = 0;
  #inFlight = 0;
  #rotation: CallDrivenRotation | undefined;
  /** Light: calls per bucket, newest first (undefined: none in the window). */
  #lightCalls: number[] | undefined;
  /** Light: when the current bucket started (buckets are anchored at creation, as opossum's). */
  #bucketStart: number;

  constructor(options: ClassifiedBreakerOptions) {
    this.#options = options;
    this.#bucketStart = this.#now();
  }

  get name(): string {
    const o = this.#options;
    return o.name ?? `${o.carrier}:${o.account}:${o.kind ?? 'api'}`;
  }

  get carrier(): string {
    return this.#options.carrier;
  }

  get account(): string {
    return this.#options.account;
  }

  get kind(): 'auth' | 'api' {
    return this.#options.kind ?? (this.name.endsWith(':auth') ? 'auth' : 'api');
  }

  get #bucketMs(): number {
    return Math.max(1, this.#options.settings.rollingWindowMs / BUCKETS);
  }

  #opossumOptions(rotation: CallDrivenRotation): CircuitBreaker.Options<[Call]> {
    const { settings, weightOf } = this.#options;
    return {
      name: this.name,
      // Upstream calls carry their own timeouts and abort signals; opossum's would not cancel them.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: BUCKETS,
      // 'calls' drive: the reset period is checked on use (#advance) against this breaker's clock;
      // opossum's own reset timer must never fire first (on Node it would, on Workers it dies).
      resetTimeout: this.#callsDrive ? CALL_DRIVEN_RESET_TIMER_MS : settings.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown, call?: Call) => weightOf(error) === 0 && !isUnjudgedProbe(error, call),
      rotateBucketController: rotation as never,
    };
  }

  get #callsDrive(): boolean {
    return this.#options.drive === 'calls';
  }

  /** The opossum breaker, built from the light counts if there is none yet. */
  #materialize(): CircuitBreaker<[Call], unknown> {
    if (this.#breaker !== undefined) return this.#breaker;
    const rotation = new CallDrivenRotation(this.#bucketMs, BUCKETS, this.#bucketStart);
    const breaker = new CircuitBreaker<[Call], unknown>(
      (call: Call) => call(),
      this.#opossumOptions(rotation),
    );
    const calls = this.#lightCalls;
    if (calls !== undefined) {
      // status.window is a copy of the array of opossum's own bucket objects (newest first).
      const window = breaker.status.window;
      for (let i = 0; i < BUCKETS; i++) {
        const bucket = window[i];
        const n = calls[i] ?? 0;
        if (bucket !== undefined && n > 0) {
          bucket.fires = n;
          bucket.successes = n;
        }
      }
    }
    this.#lightCalls = undefined;
    this.#rotation = rotation;
    this.#breaker = breaker;
    this.#listen(breaker);
    return breaker;
  }

  /** Back to light once opossum holds nothing but successes: closed, no failure, reject or call. */
  #dematerialize(): void {
    const breaker = this.#breaker;
    if (breaker === undefined || !breaker.closed || this.#inFlight > 0 || this.#consecutive > 0) return;
    const window = breaker.status.window;
    const calls: number[] = [];
    let any = false;
    for (const bucket of window) {
      if (bucket.failures > 0 || bucket.rejects > 0 || bucket.fires !== bucket.successes) return;
      calls.push(bucket.successes);
      if (bucket.successes > 0) any = true;
    }
    breaker.shutdown();
    this.#breaker = undefined;
    this.#rotation = undefined;
    this.#lightCalls = any ? calls : undefined;
    // The light window continues where opossum's left off: same bucket boundaries.
    const elapsed = Math.floor((this.#now() - this.#bucketStart) / this.#bucketMs);
    this.#bucketStart += elapsed * this.#bucketMs;
  }

  #listen(breaker: CircuitBreaker<[Call], unknown>): void {
    const options = this.#options;
    const now = options.now ?? Date.now;
    breaker.on('open', () => {
      this.#openedAt = now();
      options.events?.stateChange?.('open', this.#lastFailure, this);
    });
    breaker.on('halfOpen', () => {
      this.#permit = undefined;
      options.events?.stateChange?.('half_open', this.#lastFailure, this);
    });
    breaker.on('close', () => {
      this.#openedAt = undefined;
      this.#consecutive = 0;
      options.events?.stateChange?.('closed', this.#lastFailure, this);
    });
  }

  /**
   * Rolls the stats window for the time elapsed and ('calls' drive), once the reset period is
   * over, turns open into half-open (what opossum's reset timer would have done).
   */
  #advance(): void {
    const now = this.#now();
    if (this.#breaker === undefined) {
      this.#rollLight(now);
      return;
    }
    if (this.#rotation?.advance(now)) this.#dematerialize();
    const old = this.#breaker;
    if (old === undefined || !this.#callsDrive) return;
    if (!old.opened || this.#openedAt === undefined) return;
    if (now - this.#openedAt < this.#options.settings.resetTimeoutMs) return;
    // opossum has no public half-open: rebuild it half-open from its own state (its documented
    // rehydration path), keeping the same stats window.
    old.removeAllListeners();
    old.close(); // only clears its reset timer: nobody listens any more
    const next = new CircuitBreaker<[Call], unknown>((call: Call) => call(), {
      ...this.#opossumOptions(this.#rotation as CallDrivenRotation),
      status: old.status,
      state: { closed: false, halfOpen: true },
    } as CircuitBreaker.Options<[Call]>);
    this.#breaker = next;
    this.#listen(next);
    next.emit('halfOpen', this.#options.settings.resetTimeoutMs);
  }

  #rollLight(now: number): void {
    const steps = Math.floor((now - this.#bucketStart) / this.#bucketMs);
    if (steps <= 0) return;
    this.#bucketStart += steps * this.#bucketMs;
    const calls = this.#lightCalls;
    if (calls === undefined) return;
    if (steps >= BUCKETS) {
      this.#lightCalls = undefined;
      return;
    }
    for (let i = BUCKETS - 1; i >= 0; i--) calls[i] = i >= steps ? (calls[i - steps] ?? 0) : 0;
    if (calls.every((n) => n === 0)) this.#lightCalls = undefined;
  }

  /** Light: one more call that opossum would have counted as a success. */
  #countLight(): void {
    // A literal: packed small integers, the smallest array V8 makes of ten numbers.
    const calls = this.#lightCalls ?? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    calls[0] = (calls[0] ?? 0) + 1;
    this.#lightCalls = calls;
  }

  /**
   * Nothing worth keeping: closed with only successes in the window and no call in flight
   * (the board may drop it; a new one decides the same from here).
   */
  get idle(): boolean {
    this.#advance();
    return this.#breaker === undefined && this.#inFlight === 0 && this.#consecutive === 0;
  }

  get state(): BreakerState {
    this.#advance();
    const breaker = this.#breaker;
    if (breaker === undefined || breaker.closed) return 'closed';
    return breaker.halfOpen ? 'half_open' : 'open';
  }

  /** True when a call would be let through (closed, or half-open with no probe in flight). */
  get admits(): boolean {
    this.#advance();
    const breaker = this.#breaker;
    return breaker === undefined || breaker.closed || (breaker.halfOpen && breaker.pendingClose);
  }

  get lastFailure(): LastFailure | undefined {
    return this.#lastFailure;
  }

  get openedAt(): number | undefined {
    return this.#openedAt;
  }

  /**
   * How long a caller should wait before this breaker may let a call through: the rest of
   * the open period, or longer if the carrier's last Retry-After asks for it; 0 when it admits.
   */
  get retryAfterMs(): number {
    if (this.admits) return 0;
    const now = this.#now();
    const reopensIn =
      this.#openedAt === undefined ? 0 : this.#openedAt + this.#options.settings.resetTimeoutMs - now;
    const last = this.#lastFailure;
    const carrierSays = last?.retryAfterMs === undefined ? 0 : last.at + last.retryAfterMs - now;
    return Math.max(0, reopensIn, carrierSays);
  }

  get stats(): { failures: number; successes: number; rejects: number } {
    this.#advance();
    if (this.#breaker === undefined) {
      const successes = this.#lightCalls?.reduce((a, b) => a + b, 0) ?? 0;
      return { failures: 0, successes, rejects: 0 };
    }
    const s = this.#breaker.stats;
    return { failures: s.failures, successes: s.successes, rejects: s.rejects };
  }

  /**
   * Runs `call` through the breaker; an open breaker throws a CarrierError that names its last
   * failure. `call` learns whether it is the half-open probe, so the layers below can let it
   * reach the carrier (e.g. the broker's cooldown must not answer it from memory).
   */
  async run<T>(call: (probe: boolean) => Promise<T>): Promise<T> {
    this.#advance();
    if (this.#breaker === undefined) return this.#runLight(call);
    const breaker = this.#breaker;
    if (this.#options.probePermit !== undefined && breaker.halfOpen && breaker.pendingClose) {
      // One probe per half-open period, shared by every caller that arrives meanwhile.
      this.#permit ??= this.#options.probePermit(this).catch(() => true);
      await this.#permit;
    }
    // Read right before fire(): opossum clears pendingClose synchronously as it admits the probe.
    const current = this.#materialize();
    const probe = current.halfOpen && current.pendingClose;
    this.#inFlight += 1;
    try {
      const result = (await current.fire(Object.assign(() => call(probe), { probe }))) as T;
      this.#consecutive = 0;
      return result;
    } catch (error) {
      if (isOpenBreakerError(error)) throw this.#openError();
      this.#remember(error);
      return Promise.reject(error);
    } finally {
      this.#inFlight -= 1;
    }
  }

  /**
   * A light breaker is closed: the call goes straight through. A success, or an error that
   * does not count, is one more success; a counted failure builds the opossum breaker and is
   * recorded there as opossum would have (a failed fire), then judged.
   */
  async #runLight<T>(call: (probe: boolean) => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    let result: T;
    try {
      result = await call(false);
    } catch (error) {
      this.#inFlight -= 1;
      this.#advance();
      await this.#countLate(this.#options.weightOf(error) === 0 ? 'success' : 'failure', error);
      this.#remember(error);
      return Promise.reject(error);
    }
    this.#inFlight -= 1;
    this.#advance();
    await this.#countLate('success');
    this.#consecutive = 0;
    return result;
  }

  /**
   * Counts a call that went through while light. If an opossum breaker was built meanwhile (a
   * concurrent failure), the call is counted there as opossum counts a call that was admitted
   * before the breaker opened: a fire and its outcome, never a reject.
   */
  async #countLate(outcome: 'success' | 'failure', error?: unknown): Promise<void> {
    if (outcome === 'success' && this.#breaker === undefined) {
      this.#countLight();
      return;
    }
    const breaker = this.#materialize();
    if (outcome === 'failure' && !breaker.opened) {
      await breaker.fire(() => Promise.reject(error)).catch(() => undefined);
      return;
    }
    // Status.increment is opossum's own counter (its typings leave it out).
    const status = breaker.status as unknown as { increment(property: string): void };
    status.increment('fires');
    status.increment(outcome === 'success' ? 'successes' : 'failures');
  }

  /** Records a failure observed outside `run` (e.g. a 401 that survived the forced refresh). */
  record(error: unknown): void {
    this.#advance();
    if (this.#breaker === undefined && this.#options.weightOf(error) === 0) {
      this.#countLight();
      return;
    }
    const breaker = this.#materialize();
    this.#remember(error);
    void breaker.fire(() => Promise.reject(error)).catch(() => undefined);
  }

  /** Opens it now; `lastFailure` names why when another instance saw the failures. */
  forceOpen(lastFailure?: LastFailure): void {
    if (lastFailure !== undefined) this.#lastFailure = lastFailure;
    this.#materialize().open();
  }

  forceClose(): void {
    this.#breaker?.close();
  }

  shutdown(): void {
    this.#breaker?.shutdown();
  }

  #remember(error: unknown): void {
    const weight = this.#options.weightOf(error);
    if (weight === 0) return;
    if (isCarrierError(error)) {
      this.#lastFailure = {
        failureClass: error.failureClass,
        code: error.code,
        retryAfterMs: error.retryAfterMs,
        at: this.#now(),
      };
    }
    // Heavier classes count more: each extra unit is one more recorded failure.
    const breaker = this.#materialize();
    for (let extra = 1; extra < weight && !breaker.opened; extra++) {
      void breaker.fire(() => Promise.reject(error)).catch(() => undefined);
    }
    // A failure that will not heal by itself, seen again and again, opens the breaker at once:
    // a percentage over a window still full of healthy traffic would take seconds to trip.
    const trip = this.#options.consecutiveTrip;
    if (trip && isCarrierError(error) && trip.classes.has(error.failureClass)) {
      this.#consecutive += 1;
      if (this.#consecutive >= trip.count && breaker.closed) breaker.open();
    } else {
      this.#consecutive = 0;
    }
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #openError(): CarrierError {
    const last = this.#lastFailure;
    return new CarrierError({
      carrier: this.#options.carrier,
      account: this.#options.account,
      failureClass: last?.failureClass ?? 'unavailable',
      outcome: 'not_sent',
      message: `${this.name} circuit breaker is open${last ? ` after ${last.failureClass} failures` : ''}`,
      code: 'breaker_open',
      retryAfterMs: this.retryAfterMs,
      auth: this.kind === 'auth',
      localRefusal: true,
    });
  }
}

/**
 * A probe that ended without any carrier verdict (the caller went away, or a bug): it proves
 * nothing, so it must not close the breaker as a filtered error would; it reopens it instead.
 */
function isUnjudgedProbe(error: unknown, call: Call | undefined): boolean {
  return call?.probe === true && !isCarrierError(error);
}

function isOpenBreakerError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER';
}
