/**
 * One opossum circuit breaker around "a call that may fail with a classified error". The
 * action is the call itself, so opossum's own state machine decides (rolling window,
 * volume threshold, single half-open probe). Classified weights become extra recorded
 * failures; errors that must not count are filtered.
 */
import CircuitBreaker from 'opossum';
import type { FailureClass } from '../domain/failure.ts';
import { CarrierError, isCarrierError } from '../domain/failure.ts';
import { type BreakerDrive, CallDrivenRotation } from './call-driven.ts';
import type { BreakerSettings } from './settings.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerEvents {
  stateChange?(state: BreakerState, lastFailure: LastFailure | undefined): void;
}

export interface LastFailure {
  failureClass: FailureClass;
  code?: string | undefined;
  retryAfterMs?: number | undefined;
  at: number;
}

/** The fired call; `probe` marks the half-open probe (opossum hands it to the error filter). */
type Call = (() => Promise<unknown>) & { probe?: boolean };

export interface ClassifiedBreakerOptions {
  name: string;
  carrier: string;
  account: string;
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
  probePermit?: () => Promise<boolean>;
  /** 'calls': no timers; the window rolls and open turns half-open when next used (Workers). */
  drive?: BreakerDrive;
}

const BUCKETS = 10;
/** The longest timer Node accepts (about 24.8 days): opossum's reset timer, never reached. */
const NEVER_MS = 2_147_483_647;

export class ClassifiedBreaker {
  readonly name: string;
  #breaker: CircuitBreaker<[Call], unknown>;
  #options: ClassifiedBreakerOptions;
  #lastFailure: LastFailure | undefined;
  #openedAt: number | undefined;
  #permit: Promise<boolean> | undefined;
  #consecutive = 0;
  #rotation: CallDrivenRotation | undefined;
  #opossumOptions: CircuitBreaker.Options<[Call]>;

  constructor(options: ClassifiedBreakerOptions) {
    this.name = options.name;
    this.#options = options;
    const { settings } = options;
    if (options.drive === 'calls') {
      this.#rotation = new CallDrivenRotation(settings.rollingWindowMs / BUCKETS, BUCKETS, this.#now());
    }
    this.#opossumOptions = {
      name: options.name,
      // Upstream calls carry their own timeouts and abort signals; opossum's would not cancel them.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: BUCKETS,
      // 'calls' drive: the reset period is checked on use against the breaker's clock (#advance);
      // opossum's own reset timer would end it on the wall clock, racing a clock a test drives.
      resetTimeout: options.drive === 'calls' ? NEVER_MS : settings.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown, call?: Call) =>
        options.weightOf(error) === 0 && !isUnjudgedProbe(error, call),
      ...(this.#rotation ? { rotateBucketController: this.#rotation as never } : {}),
    };
    this.#breaker = new CircuitBreaker<[Call], unknown>((call: Call) => call(), this.#opossumOptions);
    this.#listen(this.#breaker);
  }

  #listen(breaker: CircuitBreaker<[Call], unknown>): void {
    const options = this.#options;
    const now = options.now ?? Date.now;
    breaker.on('open', () => {
      this.#openedAt = now();
      options.events?.stateChange?.('open', this.#lastFailure);
    });
    breaker.on('halfOpen', () => {
      this.#permit = undefined;
      options.events?.stateChange?.('half_open', this.#lastFailure);
    });
    breaker.on('close', () => {
      this.#openedAt = undefined;
      this.#consecutive = 0;
      options.events?.stateChange?.('closed', this.#lastFailure);
    });
  }

  /**
   * 'calls' drive: rolls the stats window for the time elapsed and, once the reset period
   * is over, turns open into half-open (what opossum's reset timer would have done).
   */
  #advance(): void {
    if (this.#rotation === undefined) return;
    const now = this.#now();
    this.#rotation.advance(now);
    const old = this.#breaker;
    if (!old.opened || this.#openedAt === undefined) return;
    if (now - this.#openedAt < this.#options.settings.resetTimeoutMs) return;
    // opossum has no public half-open: rebuild it half-open from its own state (its documented
    // rehydration path), keeping the same stats window.
    old.removeAllListeners();
    old.close(); // only clears its reset timer: nobody listens any more
    const next = new CircuitBreaker<[Call], unknown>((call: Call) => call(), {
      ...this.#opossumOptions,
      status: old.status,
      state: { closed: false, halfOpen: true },
    } as CircuitBreaker.Options<[Call]>);
    this.#breaker = next;
    this.#listen(next);
    next.emit('halfOpen', this.#options.settings.resetTimeoutMs);
  }

  get state(): BreakerState {
    this.#advance();
    if (this.#breaker.closed) return 'closed';
    return this.#breaker.halfOpen ? 'half_open' : 'open';
  }

  /** True when a call would be let through (closed, or half-open with no probe in flight). */
  get admits(): boolean {
    this.#advance();
    return this.#breaker.closed || (this.#breaker.halfOpen && this.#breaker.pendingClose);
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
    if (this.#options.probePermit !== undefined && this.#breaker.halfOpen && this.#breaker.pendingClose) {
      // One probe per half-open period, shared by every caller that arrives meanwhile.
      this.#permit ??= this.#options.probePermit().catch(() => true);
      await this.#permit;
    }
    // Read right before fire(): opossum clears pendingClose synchronously as it admits the probe.
    const probe = this.#breaker.halfOpen && this.#breaker.pendingClose;
    try {
      const result = (await this.#breaker.fire(Object.assign(() => call(probe), { probe }))) as T;
      this.#consecutive = 0;
      return result;
    } catch (error) {
      if (isOpenBreakerError(error)) throw this.#openError();
      this.#remember(error);
      return Promise.reject(error);
    }
  }

  /** Records a failure observed outside `run` (e.g. a 401 that survived the forced refresh). */
  record(error: unknown): void {
    this.#advance();
    this.#remember(error);
    void this.#breaker.fire(() => Promise.reject(error)).catch(() => undefined);
  }

  /** Opens it now; `lastFailure` names why when another instance saw the failures. */
  forceOpen(lastFailure?: LastFailure): void {
    if (lastFailure !== undefined) this.#lastFailure = lastFailure;
    this.#breaker.open();
  }

  forceClose(): void {
    this.#breaker.close();
  }

  shutdown(): void {
    this.#breaker.shutdown();
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
    for (let extra = 1; extra < weight && !this.#breaker.opened; extra++) {
      void this.#breaker.fire(() => Promise.reject(error)).catch(() => undefined);
    }
    // A failure that will not heal by itself, seen again and again, opens the breaker at once:
    // a percentage over a window still full of healthy traffic would take seconds to trip.
    const trip = this.#options.consecutiveTrip;
    if (trip && isCarrierError(error) && trip.classes.has(error.failureClass)) {
      this.#consecutive += 1;
      if (this.#consecutive >= trip.count && this.#breaker.closed) this.#breaker.open();
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
      auth: this.name.endsWith(':auth'),
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
