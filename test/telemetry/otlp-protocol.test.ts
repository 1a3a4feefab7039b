/**
 * The OTLP/HTTP encoding of each signal follows OTEL_EXPORTER_OTLP_PROTOCOL and its
 * per-signal variables; unset it is http/protobuf (the specification's default); gRPC and
 * unknown values are configuration errors naming the variable.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { otlpProtocol } from '../../src/telemetry/otlp-protocol.ts';

describe('otlpProtocol', () => {
  it('defaults to http/protobuf for both signals', () => {
    expect(otlpProtocol({}, 'TRACES')).toBe('http/protobuf');
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: '  ' }, 'METRICS')).toBe('http/protobuf');
  });

  it('the shared variable applies to every signal, a signal variable overrides it', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
    };
    expect(otlpProtocol(env, 'TRACES')).toBe('http/json');
    expect(otlpProtocol(env, 'METRICS')).toBe('http/protobuf');
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'HTTP/JSON' }, 'TRACES')).toBe('http/json');
  });

  it('gRPC or an unknown value is a ConfigError naming the variable that holds it', () => {
    const error = (env: Record<string, string>, signal: 'TRACES' | 'METRICS') => {
      try {
        otlpProtocol(env, signal);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const grpc = error({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'TRACES');
    expect(grpc).toBeInstanceOf(ConfigError);
    expect((grpc as ConfigError).key).toBe('OTEL_EXPORTER_OTLP_PROTOCOL');
    expect((grpc as ConfigError).message).toContain('gRPC is not supported');
    const own = error(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' },
      'TRACES',
    );
    expect((own as ConfigError).key).toBe('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
    expect(
      error(
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' },
        'METRICS',
      ),
    ).toBeUndefined();
  });
});
