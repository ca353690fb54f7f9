import type { OtlpSpan } from './otlp-receiver.js';

/**
 * A reader of OTLP/protobuf trace export bodies (`ExportTraceServiceRequest`, opentelemetry-proto
 * v1), just the fields the tests read: resource attributes, span ids, parent, name, attributes.
 * Protobuf wire format: each field is a varint key `(number << 3) | wireType`, then a varint (0),
 * 8 bytes (1), a varint length and that many bytes (2), or 4 bytes (5).
 */

type Field = { number: number; varint?: bigint; bytes?: Uint8Array; fixed64?: Buffer };

function varint(buf: Uint8Array, at: { pos: number }): bigint {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (at.pos >= buf.length) throw new Error('protobuf: truncated varint');
    const byte = buf[at.pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return value;
  }
}

/** The fields of one message, in order (repeated fields appear once per value). */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(varint(buf, at));
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ number, varint: varint(buf, at) });
    else if (wire === 2) {
      const length = Number(varint(buf, at));
      out.push({ number, bytes: buf.subarray(at.pos, at.pos + length) });
      at.pos += length;
    } else if (wire === 1) {
      out.push({ number, fixed64: Buffer.from(buf.subarray(at.pos, at.pos + 8)) });
      at.pos += 8;
    } else if (wire === 5) at.pos += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
    if (at.pos > buf.length) throw new Error('protobuf: truncated field');
  }
  return out;
}

const all = (list: Field[], number: number): Uint8Array[] =>
  list.filter((f) => f.number === number && f.bytes).map((f) => f.bytes!);
const one = (list: Field[], number: number): Uint8Array | undefined => all(list, number)[0];
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

/** `AnyValue`: string 1, bool 2, int64 3, double 4 (arrays, maps and bytes are left out). */
function anyValue(bytes: Uint8Array | undefined): unknown {
  for (const f of fields(bytes ?? new Uint8Array())) {
    if (f.number === 1) return text(f.bytes);
    if (f.number === 2) return f.varint === 1n;
    if (f.number === 3) return Number(BigInt.asIntN(64, f.varint ?? 0n));
    if (f.number === 4) return f.fixed64?.readDoubleLE(0);
  }
  return undefined;
}

/** Repeated `KeyValue {key 1, value 2}`. */
function attributes(list: Uint8Array[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    const f = fields(kv);
    out[text(one(f, 1))] = anyValue(one(f, 2));
  }
  return out;
}

/**
 * `ExportTraceServiceRequest {resource_spans 1}` → `ResourceSpans {resource 1, scope_spans 2}` →
 * `ScopeSpans {spans 2}` → `Span {trace_id 1, span_id 2, parent_span_id 4, name 5, attributes 9}`.
 */
export function protoSpans(body: Uint8Array): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of all(fields(body), 1)) {
    const rs = fields(resourceSpans);
    const resource = attributes(all(fields(one(rs, 1) ?? new Uint8Array()), 1));
    const service = resource['service.name'] as string | undefined;
    for (const scopeSpans of all(rs, 2))
      for (const span of all(fields(scopeSpans), 2)) {
        const f = fields(span);
        const parent = hex(one(f, 4));
        spans.push({
          traceId: hex(one(f, 1)),
          spanId: hex(one(f, 2)),
          parentSpanId: parent || undefined,
          name: text(one(f, 5)),
          attributes: attributes(all(f, 9)),
          service,
        });
      }
  }
  return spans;
}
