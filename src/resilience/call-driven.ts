/**
 * Breakers without timers, for runtimes where a timer dies with the request that set it
 * (Cloudflare Workers cancel everything a request started once it is answered). opossum
 * moves open -> half-open on a reset timer and rolls its stats window on an interval;
 * here both happen when the breaker is next used, from the elapsed time.
 *
 * - 'timers' (Node): opossum's reset timer turns an open breaker half-open on time (one timer
 *   per open breaker only); the stats window rolls on use, as below (no interval per breaker).
 * - 'calls' (Workers): the window rolls and the reset period is checked on every use.
 */
export type BreakerDrive = 'timers' | 'calls';

const ROTATE = 'rotate';

/**
 * Stands in for opossum's `rotateBucketController` (it only calls on, removeListener and
 * listenerCount): rotates the stats buckets for the time elapsed since the last rotation.
 */
export class CallDrivenRotation {
  readonly #listeners = new Set<() => void>();
  readonly #intervalMs: number;
  readonly #buckets: number;
  #last: number;

  constructor(intervalMs: number, buckets: number, now: number) {
    this.#intervalMs = Math.max(1, intervalMs);
    this.#buckets = buckets;
    this.#last = now;
  }

  on(event: string, listener: () => void): this {
    if (event === ROTATE) this.#listeners.add(listener);
    return this;
  }

  removeListener(event: string, listener: () => void): this {
    if (event === ROTATE) this.#listeners.delete(listener);
    return this;
  }

  listenerCount(event: string, listener?: () => void): number {
    if (event !== ROTATE) return 0;
    if (listener !== undefined) return this.#listeners.has(listener) ? 1 : 0;
    return this.#listeners.size;
  }

  /**
   * One rotation per elapsed bucket interval; more than a whole window's worth clears it once.
   * Returns whether the window rolled.
   */
  advance(now: number): boolean {
    const steps = Math.floor((now - this.#last) / this.#intervalMs);
    if (steps <= 0) return false;
    this.#last += steps * this.#intervalMs;
    for (let i = 0; i < Math.min(steps, this.#buckets); i++) for (const rotate of this.#listeners) rotate();
    return true;
  }
}
