/**
 * One fetch per key: every caller asking while it runs waits on the same promise. A caller
 * that aborts stops waiting without cancelling the fetch for the others, and a deadline
 * guarantees that no waiter hangs even if the fetch never settles.
 */

import { callerAbortError } from '../domain/caller-abort.ts';

export interface FlightOptions {
  /** After this many ms the flight is abandoned: waiters get `onDeadline()` and the slot frees. */
  deadlineMs: number;
  onDeadline: () => Error;
}

export interface SingleFlight<T> {
  /** Starts `work` for `key`, or joins the flight already running. */
  run(key: string, work: () => Promise<T>, options: FlightOptions): { promise: Promise<T>; joined: boolean };
  /** The running flight for `key`, if any. */
  current(key: string): Promise<T> | undefined;
  /** Number of flights running. */
  size(): number;
}

export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Promise<T>>();
  return {
    run(key, work, options) {
      const running = flights.get(key);
      if (running !== undefined) return { promise: running, joined: true };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(options.onDeadline()), options.deadlineMs);
      });
      const promise = Promise.race([Promise.resolve().then(work), deadline]).finally(() => {
        clearTimeout(timer);
        if (flights.get(key) === promise) flights.delete(key);
      });
      // Nobody may be left waiting (all aborted): never let that become an unhandled rejection.
      promise.catch(() => {});
      flights.set(key, promise);
      return { promise, joined: false };
    },
    current(key) {
      return flights.get(key);
    },
    size() {
      return flights.size;
    },
  };
}

/** Waits for `promise` unless `signal` aborts first; aborting never touches `promise` itself. */
export function waitWithSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Always an Error: a runtime may abort with any value (Node's server adapter uses a string). */
const abortReason = (signal: AbortSignal): Error => callerAbortError(signal);
