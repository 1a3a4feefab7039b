/**
 * One opossum circuit breaker around "a call that may fail with a classified error". The
 * action is the call itself, so opossum's own state machine decides (rolling window,
 * volume threshold, single half-open probe). Classified weights become extra recorded
 * failures; errors that must not count are filtered.
 */
import CircuitBreaker from 'opossum';
import type { FailureClass } from '../domain/failure.ts';
import { CarrierError, isCarrierError } from '../domain/failure.ts';
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

type Call = () => Promise<unknown>;

export interface ClassifiedBreakerOptions {
  name: string;
  carrier: string;
  account: string;
  settings: BreakerSettings;
  /** How many failures one error counts for (0: not at all). */
  weightOf(error: unknown): number;
  events?: BreakerEvents;
  now?: () => number;
}

const BUCKETS = 10;

export class ClassifiedBreaker {
  readonly name: string;
  #breaker: CircuitBreaker<[Call], unknown>;
  #options: ClassifiedBreakerOptions;
  #lastFailure: LastFailure | undefined;
  #openedAt: number | undefined;

  constructor(options: ClassifiedBreakerOptions) {
    this.name = options.name;
    this.#options = options;
    const { settings } = options;
    this.#breaker = new CircuitBreaker<[Call], unknown>((call: Call) => call(), {
      name: options.name,
      // Upstream calls carry their own timeouts and abort signals; opossum's would not cancel them.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: BUCKETS,
      resetTimeout: settings.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => options.weightOf(error) === 0,
    });
    const now = options.now ?? Date.now;
    this.#breaker.on('open', () => {
      this.#openedAt = now();
      options.events?.stateChange?.('open', this.#lastFailure);
    });
    this.#breaker.on('halfOpen', () => options.events?.stateChange?.('half_open', this.#lastFailure));
    this.#breaker.on('close', () => {
      this.#openedAt = undefined;
      options.events?.stateChange?.('closed', this.#lastFailure);
    });
  }

  get state(): BreakerState {
    if (this.#breaker.closed) return 'closed';
    return this.#breaker.halfOpen ? 'half_open' : 'open';
  }

  /** True when a call would be let through (closed, or half-open with no probe in flight). */
  get admits(): boolean {
    return this.#breaker.closed || (this.#breaker.halfOpen && this.#breaker.pendingClose);
  }

  get lastFailure(): LastFailure | undefined {
    return this.#lastFailure;
  }

  get openedAt(): number | undefined {
    return this.#openedAt;
  }

  get stats(): { failures: number; successes: number; rejects: number } {
    const s = this.#breaker.stats;
    return { failures: s.failures, successes: s.successes, rejects: s.rejects };
  }

  /** Runs `call` through the breaker; an open breaker throws a CarrierError that names its last failure. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.#breaker.fire(call)) as T;
    } catch (error) {
      if (isOpenBreakerError(error)) throw this.#openError();
      this.#remember(error);
      return Promise.reject(error);
    }
  }

  /** Records a failure observed outside `run` (e.g. a 401 that survived the forced refresh). */
  record(error: unknown): void {
    this.#remember(error);
    void this.#breaker.fire(() => Promise.reject(error)).catch(() => undefined);
  }

  forceOpen(): void {
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
        at: (this.#options.now ?? Date.now)(),
      };
    }
    // Heavier classes count more: each extra unit is one more recorded failure.
    for (let extra = 1; extra < weight && !this.#breaker.opened; extra++) {
      void this.#breaker.fire(() => Promise.reject(error)).catch(() => undefined);
    }
  }

  #openError(): CarrierError {
    const last = this.#lastFailure;
    const resetAt = (this.#openedAt ?? Date.now()) + this.#options.settings.resetTimeoutMs;
    return new CarrierError({
      carrier: this.#options.carrier,
      account: this.#options.account,
      failureClass: last?.failureClass ?? 'unavailable',
      outcome: 'not_sent',
      message: `${this.name} circuit breaker is open${last ? ` after ${last.failureClass} failures` : ''}`,
      code: 'breaker_open',
      retryAfterMs: Math.max(0, resetAt - Date.now()),
      auth: this.name.endsWith(':auth'),
    });
  }
}

function isOpenBreakerError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER';
}
