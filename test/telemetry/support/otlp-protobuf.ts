/**
 * Decodes the binary protobuf bodies of OTLP/HTTP exports (ExportTraceServiceRequest,
 * ExportMetricsServiceRequest) into the shape of their JSON encoding (ids in hex, 64-bit
 * integers as strings), so the test receiver reads both encodings the same way. Only the
 * fields the tests read are mapped; field numbers from opentelemetry-proto
 * (https://github.com/open-telemetry/opentelemetry-proto/tree/main/opentelemetry/proto).
 */

/** One decoded field: a varint (as bigint), a fixed 32/64-bit value's bytes or a length-delimited payload. */
type Field = { no: number; varint?: bigint; bytes?: Uint8Array };

function readVarint(buf: Uint8Array, at: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[at.i++];
    if (b === undefined) throw new Error('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

/** The fields of one message, in wire order. */
function fieldsOf(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const tag = Number(readVarint(buf, at));
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, varint: readVarint(buf, at) });
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      out.push({ no, bytes: buf.subarray(at.i, at.i + size) });
      at.i += size;
    } else if (wire === 2) {
      const length = Number(readVarint(buf, at));
      out.push({ no, bytes: buf.subarray(at.i, at.i + length) });
      at.i += length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('hex');
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const double = (b: Uint8Array | undefined) => (b === undefined ? undefined : view(b).getFloat64(0, true));
const fixed64 = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : view(b).getBigUint64(0, true).toString();
const bytesOf = (f: Field) => f.bytes ?? new Uint8Array();
const first = (fields: Field[], no: number) => fields.find((f) => f.no === no);
const all = (fields: Field[], no: number) => fields.filter((f) => f.no === no);

// biome-ignore lint/suspicious/noExplicitAny: the JSON encoding's shape, walked structurally by the receiver.
type Json = any;

function anyValue(buf: Uint8Array): Json {
  const f = fieldsOf(buf);
  const s = first(f, 1);
  if (s) return { stringValue: text(s.bytes) };
  const b = first(f, 2);
  if (b) return { boolValue: b.varint === 1n };
  const i = first(f, 3);
  if (i?.varint !== undefined) return { intValue: BigInt.asIntN(64, i.varint).toString() };
  const d = first(f, 4);
  if (d) return { doubleValue: double(d.bytes) };
  const a = first(f, 5);
  if (a?.bytes)
    return {
      arrayValue: { values: all(fieldsOf(a.bytes), 1).map((v) => anyValue(bytesOf(v))) },
    };
  return {};
}

const keyValues = (fields: Field[], no: number): Json[] =>
  all(fields, no).map((kv) => {
    const f = fieldsOf(bytesOf(kv));
    const value = first(f, 2)?.bytes;
    return { key: text(first(f, 1)?.bytes), value: value === undefined ? undefined : anyValue(value) };
  });

const resourceOf = (fields: Field[]): Json => {
  const r = first(fields, 1)?.bytes;
  return r === undefined ? undefined : { attributes: keyValues(fieldsOf(r), 1) };
};

function span(buf: Uint8Array): Json {
  const f = fieldsOf(buf);
  const status = first(f, 15)?.bytes;
  const statusFields = status === undefined ? [] : fieldsOf(status);
  return {
    traceId: hex(first(f, 1)?.bytes),
    spanId: hex(first(f, 2)?.bytes),
    parentSpanId: hex(first(f, 4)?.bytes),
    name: text(first(f, 5)?.bytes),
    kind: Number(first(f, 6)?.varint ?? 0n),
    attributes: keyValues(f, 9),
    events: all(f, 11).map((e) => {
      const ef = fieldsOf(bytesOf(e));
      return { name: text(first(ef, 2)?.bytes), attributes: keyValues(ef, 3) };
    }),
    status: {
      ...(first(statusFields, 2) ? { message: text(first(statusFields, 2)?.bytes) } : {}),
      ...(first(statusFields, 3) ? { code: Number(first(statusFields, 3)?.varint) } : {}),
    },
  };
}

/**
 * The resources of an export request (field 1), each with its resource (1) and its scopes (2),
 * each scope with its items (2): the same nesting for spans and for metrics.
 */
function byResourceAndScope<T>(buf: Uint8Array, item: (b: Uint8Array) => T) {
  return all(fieldsOf(buf), 1).map((r) => {
    const f = fieldsOf(bytesOf(r));
    return {
      resource: resourceOf(f),
      scopes: all(f, 2).map((sc) => all(fieldsOf(bytesOf(sc)), 2).map((i) => item(bytesOf(i)))),
    };
  });
}

/** ExportTraceServiceRequest, as its JSON encoding. */
export function decodeTraces(buf: Uint8Array): Json {
  return {
    resourceSpans: byResourceAndScope(buf, span).map(({ resource, scopes }) => ({
      resource,
      scopeSpans: scopes.map((spans) => ({ spans })),
    })),
  };
}

/** A NumberDataPoint (attributes 7, as_double 4, as_int 6) or a HistogramDataPoint (attributes 9, count 4, sum 5). */
function dataPoint(buf: Uint8Array, histogram: boolean): Json {
  const f = fieldsOf(buf);
  if (histogram)
    return {
      attributes: keyValues(f, 9),
      count: fixed64(first(f, 4)?.bytes),
      sum: double(first(f, 5)?.bytes),
    };
  const asInt = first(f, 6)?.bytes;
  return {
    attributes: keyValues(f, 7),
    ...(asInt ? { asInt: BigInt.asIntN(64, view(asInt).getBigUint64(0, true)).toString() } : {}),
    ...(first(f, 4) ? { asDouble: double(first(f, 4)?.bytes) } : {}),
  };
}

function metric(buf: Uint8Array): Json {
  const f = fieldsOf(buf);
  const points = (no: number, histogram: boolean) => {
    const data = first(f, no)?.bytes;
    return data === undefined
      ? undefined
      : { dataPoints: all(fieldsOf(data), 1).map((p) => dataPoint(bytesOf(p), histogram)) };
  };
  const gauge = points(5, false);
  const sum = points(7, false);
  const histogram = points(9, true);
  return {
    name: text(first(f, 1)?.bytes),
    ...(gauge ? { gauge } : {}),
    ...(sum ? { sum } : {}),
    ...(histogram ? { histogram } : {}),
  };
}

/** ExportMetricsServiceRequest, as its JSON encoding. */
export function decodeMetrics(buf: Uint8Array): Json {
  return {
    resourceMetrics: byResourceAndScope(buf, metric).map(({ resource, scopes }) => ({
      resource,
      scopeMetrics: scopes.map((metrics) => ({ metrics })),
    })),
  };
}
