/**
 * The gateway's tracer follows whichever provider is installed, before, after and across a
 * change; its spans get their attributes once they are known to record.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { activeSpan, tracer } from '../../src/telemetry/instruments.ts';

const providerWith = (exporter: InMemorySpanExporter) =>
  new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

afterAll(() => trace.disable());

describe('tracer()', () => {
  it('records nothing before a provider is installed, then into the provider installed now', () => {
    trace.disable();
    expect(tracer().startSpan('before').isRecording()).toBe(false);

    const first = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(providerWith(first));
    tracer().startSpan('one').end();
    tracer().startSpan('two').end();
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['one', 'two']);

    // Another provider replaces it (a reinstalled SDK): spans go there, none to the first.
    trace.disable();
    const second = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(providerWith(second));
    tracer().startSpan('three').end();
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['three']);
    expect(first.getFinishedSpans()).toHaveLength(2);
    expect(second.getFinishedSpans()[0]?.instrumentationScope.name).toBe('carrier-gateway');
  });
});

describe('activeSpan()', () => {
  it('sets the attributes of a recorded span, and never builds those of a dropped one', () => {
    trace.disable();
    const kept = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(providerWith(kept));
    const built: string[] = [];
    const attributes = (name: string) => () => {
      built.push(name);
      return { carrier: 'ups', 'carrier.operation': name };
    };
    const answer = activeSpan('rate', SpanKind.CLIENT, attributes('rate'), (span) => {
      span.end();
      return 42;
    });
    expect(answer).toBe(42);
    const [span] = kept.getFinishedSpans();
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toEqual({ carrier: 'ups', 'carrier.operation': 'rate' });

    trace.disable();
    const dropped = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new TracerProvider({
        sampler: new AlwaysOffSampler(),
        spanProcessors: [new SimpleSpanProcessor({ exporter: dropped })],
      }),
    );
    activeSpan('label', SpanKind.INTERNAL, attributes('label'), (s) => s.end());
    expect(dropped.getFinishedSpans()).toEqual([]);
    expect(built).toEqual(['rate']);
  });
});
