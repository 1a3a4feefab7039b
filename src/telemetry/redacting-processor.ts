/**
 * A span processor that hands the processor it wraps (batching, export) a redacted view of
 * every finished span: name, attributes, events, links and status message all go through
 * redact.ts, whoever set them (our code, a library, an instrumentation).
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { maskedValue, maskSecrets, safeAttributes } from './redact.ts';

export function redactedSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: maskedValue(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status:
      span.status.message === undefined
        ? span.status
        : { ...span.status, message: maskSecrets(span.status.message) },
    attributes: safeAttributes(span.attributes),
    links:
      span.links.length === 0
        ? span.links
        : span.links.map((link) => ({
            ...link,
            ...(link.attributes ? { attributes: safeAttributes(link.attributes) } : {}),
          })),
    events:
      span.events.length === 0
        ? span.events
        : span.events.map((event) => ({
            ...event,
            name: maskedValue(event.name),
            ...(event.attributes ? { attributes: safeAttributes(event.attributes) } : {}),
          })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

export function redactingProcessor(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span: Span, parentContext: Context) => inner.onStart(span, parentContext),
    onEnd: (span: ReadableSpan) => inner.onEnd(redactedSpan(span)),
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
