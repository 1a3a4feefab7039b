/**
 * A minimal structured logger: one JSON line per event, `{time, level, msg, ...fields}`.
 * Callers pass only safe fields (ids, routes, statuses); bodies and headers are never logged.
 * Inside a span the line carries `trace_id` and `span_id`; every field goes through
 * telemetry/redact.ts (secret-named fields and known secret values never leave).
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { maskSecrets, safeFields } from '../telemetry/redact.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where a finished line goes (default: console.log, which every runtime has). */
  write?: (line: string) => void;
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * JSON.stringify that never throws, so logging cannot break a request. The fields went through
 * safeFields (no bigint, no cycle, nesting cut): no replacer function called per value.
 */
function serialize(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ time: record.time, level: record.level, msg: record.msg, unserializable: true });
  }
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const span = trace.getActiveSpan()?.spanContext();
    const ids = span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
    const safe = safeFields({ ...bound, ...fields });
    write(serialize({ time: now().toISOString(), level, msg: maskSecrets(msg), ...ids, ...safe }));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = createLogger({ write: () => {} });
