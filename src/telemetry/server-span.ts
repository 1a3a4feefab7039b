/**
 * The SERVER span of every API request, following the stable HTTP conventions: named
 * `{method} {route}`, continuing the caller's W3C trace context, ERROR only for 5xx (a 4xx
 * is the caller's mistake, not ours), and the `http.server.request.duration` histogram.
 * It is the outermost middleware so that logs and every inner span belong to it.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { attributeCache } from './attribute-cache.ts';
import { instruments, tracer } from './instruments.ts';
import { ATTR } from './names.ts';

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** The route pattern that answered, never the raw path (it may hold tracking numbers). */
function routeOf(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== 'ALL') return route.path;
  }
  return undefined;
}

/** The duration histogram's attributes, one object per method, scheme, status, route and error. */
const durationAttributes = attributeCache((method, scheme, status, route, errorType) => ({
  [ATTR.httpMethod]: method as string,
  [ATTR.urlScheme]: scheme as string,
  [ATTR.httpStatus]: status as number,
  ...(route ? { [ATTR.httpRoute]: route } : {}),
  ...(errorType ? { [ATTR.errorType]: errorType } : {}),
}));

export function serverSpan(): MiddlewareHandler {
  return async (c, next) => {
    const method = KNOWN_METHODS.has(c.req.method) ? c.req.method : '_OTHER';
    const scheme = c.req.url.startsWith('https:') ? 'https' : 'http';
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    const span = tracer().startSpan(method, { kind: SpanKind.SERVER }, parent);
    const recording = span.isRecording();
    if (recording) {
      // Only a sampled span pays for its URL attributes.
      const url = new URL(c.req.url);
      span.setAttributes({
        [ATTR.httpMethod]: method,
        [ATTR.urlPath]: url.pathname,
        [ATTR.urlScheme]: scheme,
        [ATTR.serverAddress]: url.hostname,
        ...(url.port ? { [ATTR.serverPort]: Number(url.port) } : {}),
      });
    }
    const started = performance.now();
    let thrown = false;
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (error) {
      thrown = true;
      throw error;
    } finally {
      const route = routeOf(c);
      const status = thrown ? 500 : c.res.status;
      const errorType = status >= 500 ? String(status) : undefined;
      if (recording) {
        if (route) {
          span.updateName(`${method} ${route}`);
          span.setAttribute(ATTR.httpRoute, route);
        }
        span.setAttribute(ATTR.httpStatus, status);
        if (errorType) {
          span.setAttribute(ATTR.errorType, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      span.end();
      instruments
        .serverDuration()
        .record(
          (performance.now() - started) / 1000,
          durationAttributes(method, scheme, status, route, errorType),
        );
    }
  };
}
