/** Turns a fault's params into the options renderers get (Retry-After in the asked format). */
import type { ErrorRenderOptions, Fault } from '../types.ts';

export function retryAfterOptions(fault: Fault, clock: () => number = Date.now): ErrorRenderOptions {
  const params = fault.params ?? {};
  const seconds = params.retryAfter ?? 30;
  const format = params.retryAfterFormat ?? 'seconds';
  const options: ErrorRenderOptions = {};
  if (params.status !== undefined) options.status = params.status;
  if (params.message !== undefined) options.message = params.message;
  if (format === 'none') return options;
  options.retryAfterSeconds = seconds;
  options.retryAfterHeader =
    format === 'date' ? new Date(clock() + seconds * 1000).toUTCString() : String(seconds);
  return options;
}
