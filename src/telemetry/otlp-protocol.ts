/**
 * The OTLP/HTTP encoding of each signal, by the standard OTEL_EXPORTER_OTLP_PROTOCOL and its
 * per-signal OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / _METRICS_PROTOCOL variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/). Unset, `http/protobuf`, the
 * specification's default (some receivers read nothing else): its bodies are ~40 % of JSON's
 * and cost about half the CPU to encode. `http/json` stays available (a receiver
 * that only reads JSON, a human reading the wire). gRPC is not shipped: it would need an
 * HTTP/2 client the Workers runtime does not have, so it is a start-up error naming the key.
 */
import { ConfigError } from '../config/config-error.ts';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpSignal = 'TRACES' | 'METRICS';

export const DEFAULT_OTLP_PROTOCOL: OtlpProtocol = 'http/protobuf';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** The protocol of one signal: its own variable first, then the shared one, then the default. */
export function otlpProtocol(env: Readonly<Record<string, unknown>>, signal: OtlpSignal): OtlpProtocol {
  const ownKey = `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`;
  const own = textOf(env[ownKey]);
  const key = own === undefined ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : ownKey;
  const value = own ?? textOf(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (value === undefined) return DEFAULT_OTLP_PROTOCOL;
  const known = PROTOCOLS.find((p) => p === value.toLowerCase());
  if (known !== undefined) return known;
  const hint = value.toLowerCase() === 'grpc' ? ' (gRPC is not supported: use OTLP/HTTP)' : '';
  throw new ConfigError([{ key, message: `'${value}' is not one of ${PROTOCOLS.join(', ')}${hint}` }]);
}
