/**
 * The trace sampler, chosen by the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG
 * variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * Unset, the gateway samples `parentbased_traceidratio` at 0.1: a caller's sampled trace is
 * always continued, and one in ten of the gateway's own root traces is kept: tracing then costs
 * the hot path little (bench/README.md has the figures for both).
 * Metrics are not sampled: rates, latencies and errors stay exact whatever the sampler.
 */
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { ConfigError } from '../config/config-error.ts';

export const DEFAULT_TRACES_SAMPLER = 'parentbased_traceidratio';
export const DEFAULT_TRACES_SAMPLER_RATIO = 0.1;

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

function ratioFrom(arg: string | undefined): number {
  if (arg === undefined || arg.trim() === '') return DEFAULT_TRACES_SAMPLER_RATIO;
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new ConfigError([
      { key: 'OTEL_TRACES_SAMPLER_ARG', message: `must be a ratio between 0 and 1 (got '${arg}')` },
    ]);
  }
  return ratio;
}

/** The sampler the variables name; a name the gateway does not know is a start-up error. */
export function samplerFromEnv(env: Readonly<Record<string, unknown>>): Sampler {
  const raw = typeof env.OTEL_TRACES_SAMPLER === 'string' ? env.OTEL_TRACES_SAMPLER.trim() : '';
  const name = raw === '' ? DEFAULT_TRACES_SAMPLER : raw.toLowerCase();
  const arg = typeof env.OTEL_TRACES_SAMPLER_ARG === 'string' ? env.OTEL_TRACES_SAMPLER_ARG : undefined;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratioFrom(arg));
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioFrom(arg)) });
    default:
      throw new ConfigError([
        { key: 'OTEL_TRACES_SAMPLER', message: `'${raw}' is not one of ${SAMPLERS.join(', ')}` },
      ]);
  }
}
