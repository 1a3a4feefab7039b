/**
 * The trace sampler follows OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG; unset, it is
 * parentbased_traceidratio at 0.1: a sampled caller trace is always continued, about one in
 * ten of the gateway's own root traces is kept, and an unknown name stops start-up.
 */
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { samplerFromEnv } from '../../src/telemetry/sampler.ts';

const traceIds = Array.from({ length: 2_000 }, (_, i) => {
  // Spread over the id space the ratio sampler reads (deterministic, no randomness in tests).
  const n = Math.floor((i * 0xffffffff) / 2_000);
  return `${'0'.repeat(24)}${n.toString(16).padStart(8, '0')}`;
});

function sampledShare(env: Record<string, string>, parent = ROOT_CONTEXT): number {
  const sampler = samplerFromEnv(env);
  const kept = traceIds.filter(
    (id) =>
      sampler.shouldSample(parent, id, 'POST /v1/rates', SpanKind.SERVER, {}, []).decision ===
      SamplingDecision.RECORD_AND_SAMPLED,
  ).length;
  return kept / traceIds.length;
}

describe('trace sampler', () => {
  it('defaults to parentbased_traceidratio at 0.1', () => {
    expect(samplerFromEnv({}).toString()).toContain('ParentBased');
    expect(samplerFromEnv({}).toString()).toContain('TraceIdRatioBased{0.1}');
    expect(sampledShare({})).toBeCloseTo(0.1, 2);
  });

  it('always continues a sampled caller trace, and never an unsampled one, by default', () => {
    const parent = (flags: TraceFlags) =>
      trace.setSpanContext(context.active(), {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        traceFlags: flags,
      });
    expect(sampledShare({}, parent(TraceFlags.SAMPLED))).toBe(1);
    expect(sampledShare({}, parent(TraceFlags.NONE))).toBe(0);
  });

  it('follows the standard names and ratio', () => {
    expect(sampledShare({ OTEL_TRACES_SAMPLER: 'always_on' })).toBe(1);
    expect(sampledShare({ OTEL_TRACES_SAMPLER: 'always_off' })).toBe(0);
    expect(sampledShare({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' })).toBe(1);
    expect(sampledShare({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' })).toBeCloseTo(
      0.5,
      2,
    );
    expect(
      sampledShare({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }),
    ).toBeCloseTo(0.25, 2);
  });

  it('refuses an unknown sampler or a ratio outside [0, 1]', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(() =>
      samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }),
    ).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
