/**
 * One abort signal per exchange: the caller going away or the total timeout, whichever comes
 * first. A controller and a timer cleared when the exchange ends cost less per request than
 * `AbortSignal.any([caller, AbortSignal.timeout(ms)])`, which on Node tracks both signals
 * with weak references until they are collected.
 */

export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the total timeout fired (the caller's abort does not set it). */
  readonly timedOut: boolean;
  /** The exchange ended: stop the timer and stop listening to the caller. */
  done(): void;
}

export function startDeadline(totalMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  // `timedOut` is a data property, not a getter: V8 builds an object literal with an accessor
  // in dictionary mode and allocates its accessor pair in the old generation, so the getter's
  // closure and all it reaches (controller, timer) outlived every young-generation collection:
  // each request's deadline was promoted, and the old generation filled with them.
  const deadline = {
    signal: controller.signal,
    timedOut: false,
    done() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
  const timer = setTimeout(() => {
    deadline.timedOut = true;
    controller.abort(new DOMException('the carrier did not answer in time', 'TimeoutError'));
  }, totalMs);
  // Node: a pending deadline alone does not keep the process alive (as AbortSignal.timeout).
  (timer as { unref?: () => void }).unref?.();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return deadline;
}
