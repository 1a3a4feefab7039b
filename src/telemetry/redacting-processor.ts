/**
 * A span processor that hands the processor it wraps (batching, export) a redacted view of
 * every finished span: name, attributes, events, links and status message all go through
 * redact.ts, whoever set them (our code, a library, an instrumentation). A span with nothing
 * to redact (nearly all of them) is handed on as it is: no copy per span.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { maskedValue, maskSecrets, safeAttributes } from './redact.ts';

type SpanEvent = ReadableSpan['events'][number];
type SpanLink = ReadableSpan['links'][number];

/** `items` with each one redacted; the same array when none changed. */
function redactedList<T>(items: readonly T[], redact: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const safe = redact(item);
    if (out === undefined && safe !== item) out = items.slice(0, i);
    out?.push(safe);
  }
  return out ?? (items as T[]);
}

function redactedEvent(event: SpanEvent): SpanEvent {
  const name = maskedValue(event.name);
  const attributes = event.attributes === undefined ? undefined : safeAttributes(event.attributes);
  if (name === event.name && attributes === event.attributes) return event;
  return { ...event, name, ...(attributes === undefined ? {} : { attributes }) };
}

function redactedLink(link: SpanLink): SpanLink {
  const attributes = link.attributes === undefined ? undefined : safeAttributes(link.attributes);
  return attributes === link.attributes ? link : { ...link, attributes };
}

export function redactedSpan(span: ReadableSpan): ReadableSpan {
  const name = maskedValue(span.name);
  const attributes = safeAttributes(span.attributes);
  const events = redactedList(span.events, redactedEvent);
  const links = redactedList(span.links, redactedLink);
  const message = span.status.message === undefined ? undefined : maskSecrets(span.status.message);
  const status = message === span.status.message ? span.status : { ...span.status, message };
  if (
    name === span.name &&
    attributes === span.attributes &&
    events === span.events &&
    links === span.links &&
    status === span.status
  )
    return span;
  return {
    name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes,
    links,
    events,
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
