/**
 * The caller of a request went away (its AbortSignal fired). That is nobody's failure: not the
 * carrier's (no breaker counts it), not a bug (nothing to log as one), and there is nobody left
 * to answer. Runtimes abort with odd reasons (Node's server adapter uses a plain string), so the
 * error thrown for it is always an Error named AbortError.
 */
export function callerAbortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('the caller went away', 'AbortError');
}

/** True when `error` is what a request whose caller went away (`signal` aborted) throws. */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted !== true) return false;
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}
