/**
 * Token-endpoint calls as spans: the broker runs every token call inside `traceTokenCall`,
 * an internal `auth.token.refresh` span, and its transport opens a CLIENT span under it. The
 * span puts the carrier and account ids in the context so the transport can label its duration.
 */
import { type Context, context, createContextKey, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { isCarrierError } from '../domain/failure.ts';
import type { UpstreamTransport } from '../upstream/transport.ts';
import { instruments, tracer } from './instruments.ts';
import { ATTR, SPAN } from './names.ts';
import { safeUrl } from './redact.ts';

interface TokenCallScope {
  carrier: string;
  account: string;
}

const SCOPE = createContextKey('carrier-gateway.token-call');

const scopeOf = (ctx: Context) => ctx.getValue(SCOPE) as TokenCallScope | undefined;

/** Runs one token call as an `auth.token.refresh` span (only the account's ids are read). */
export function traceTokenCall<T>(
  account: { carrier: string; id: string },
  call: () => Promise<T>,
): Promise<T> {
  const scope: TokenCallScope = { carrier: account.carrier, account: account.id };
  const attributes = { [ATTR.carrier]: scope.carrier, [ATTR.account]: scope.account };
  return tracer().startActiveSpan(SPAN.tokenRefresh, { attributes }, async (span) => {
    try {
      return await context.with(context.active().setValue(SCOPE, scope), call);
    } catch (error) {
      if (isCarrierError(error)) {
        span.setAttribute(ATTR.failureClass, error.failureClass);
        span.setAttribute(ATTR.errorType, error.failureClass);
      }
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A token transport that records each call as a CLIENT span and in `http.client.request.duration`. */
export function tracedTransport(inner: UpstreamTransport): UpstreamTransport {
  return async (request) => {
    const url = new URL(request.origin + request.path);
    const method = request.method.toUpperCase();
    const scope = scopeOf(context.active());
    const ids = scope ? { [ATTR.carrier]: scope.carrier, [ATTR.account]: scope.account } : {};
    const attributes = {
      [ATTR.httpMethod]: method,
      [ATTR.serverAddress]: url.hostname,
      [ATTR.serverPort]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      [ATTR.urlFull]: safeUrl(url),
      [ATTR.operation]: 'token',
      ...ids,
    };
    return tracer().startActiveSpan(method, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      let status: number | undefined;
      let errorType: string | undefined;
      try {
        const response = await inner(request);
        status = response.status;
        if (status >= 400) errorType = String(status);
        return response;
      } catch (error) {
        errorType = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection';
        throw error;
      } finally {
        if (status !== undefined) span.setAttribute(ATTR.httpStatus, status);
        if (errorType !== undefined) {
          span.setAttribute(ATTR.errorType, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
        instruments.clientDuration().record((performance.now() - started) / 1000, {
          [ATTR.httpMethod]: method,
          [ATTR.serverAddress]: url.hostname,
          [ATTR.operation]: 'token',
          ...(scope ? { [ATTR.carrier]: scope.carrier } : {}),
          ...(status !== undefined ? { [ATTR.httpStatus]: status } : {}),
          ...(errorType !== undefined ? { [ATTR.errorType]: errorType } : {}),
        });
      }
    });
  };
}
