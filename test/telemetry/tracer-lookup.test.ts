/** The gateway's tracer follows whichever provider is installed, before, after and across a change. */
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { tracer } from '../../src/telemetry/instruments.ts';

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
