/**
 * Applying one fault to a request: the generic kinds are answered here, the carrier-shaped
 * ones by the carrier's AuthErrorRenderer.
 */
import type { AuthErrorRenderer, Fault } from '../types.ts';
import type { AnyContext } from './any-context.ts';
import { hangUntilClientGone } from './connection.ts';
import { retryAfterOptions } from './retry-after.ts';

const PAYLOAD_OR_AFTER = new Set([
  'no_access_token',
  'missing_expires_in',
  'expires_in_string',
  'expires_in_zero',
  'short_lifetime',
  'hang_after_processing',
  'reset_after_processing',
  'reset_before_processing',
]);

export function htmlErrorResponse(status = 503): Response {
  const body = `<!DOCTYPE html>\n<html><head><title>${status} Service Unavailable</title></head>\n<body><h1>${status}</h1><p>The server is temporarily unable to service your request. Reference #18.5e3c1b2f</p></body></html>\n`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** HTTP 200, JSON content type, a body cut off mid-object. */
export function malformedJsonResponse(): Response {
  return new Response('{"access_token":"sat_9f8e7d6c5b4a","token_type":"Bearer","expires_in":', {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** An RFC 6749 error body served as text/plain (some gateways do this). */
export function jsonAsTextResponse(fault: Fault): Response {
  const error = typeof fault.params?.error === 'string' ? fault.params.error : 'temporarily_unavailable';
  const status = fault.params?.status ?? (error === 'temporarily_unavailable' ? 503 : 400);
  const body = JSON.stringify({ error, error_description: fault.params?.message ?? 'try again later' });
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Waits, but gives up quietly if the client leaves first. */
async function delay(c: AnyContext, ms: number): Promise<void> {
  const signal = c.req.raw.signal;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Answers for the fault, or undefined to continue serving normally (slow after its delay,
 * payload kinds, after-processing kinds). `hang` resolves only once the client is gone.
 */
export async function applyFault(
  c: AnyContext,
  fault: Fault,
  renderer: AuthErrorRenderer,
): Promise<Response | undefined> {
  const params = fault.params ?? {};
  if (PAYLOAD_OR_AFTER.has(fault.kind)) return undefined;
  switch (fault.kind) {
    case 'slow':
      await delay(c, params.delayMs ?? 1000);
      return undefined;
    case 'hang':
      await hangUntilClientGone(c);
      // Nobody is listening any more; this answer is never delivered.
      return new Response(null, { status: 504 });
    case 'html_error':
      return htmlErrorResponse(params.status ?? 503);
    case 'malformed_json':
      return malformedJsonResponse();
    case 'json_as_text':
      return jsonAsTextResponse(fault);
    default:
      break;
  }
  const options = retryAfterOptions(fault);
  if (fault.target === 'api') {
    if (fault.kind === 'unauthorized') return renderer.unauthorized();
    if (fault.kind === 'throttled') return renderer.throttled(options);
    if (fault.kind === 'server_error') return renderer.serverError(params.status ?? 503);
    return undefined;
  }
  switch (fault.kind) {
    case 'error_body_200':
    case 'invalid_grant':
    case 'invalid_client':
    case 'invalid_scope':
    case 'unsupported_grant_type':
    case 'throttled':
      return renderer.token(fault.kind, options);
    case 'server_error':
      return renderer.token('server_error', { ...options, status: params.status ?? 503 });
    default:
      return undefined;
  }
}
