import type { SpanContext } from '@opentelemetry/api';

/**
 * codex's W3C trace context on a JSON-RPC request: a top-level `trace` member of the request
 * envelope (not of `params`), `{traceparent, tracestate}` (schema `W3cTraceContext`, 0.171.0).
 */
export interface W3cTraceContext {
  traceparent: string;
  tracestate?: string;
}

/** The W3C `traceparent` and `tracestate` of a span context (version 00). */
export function traceContextOf(span: SpanContext): W3cTraceContext {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${span.traceId}-${span.spanId}-${flags}`;
  const tracestate = span.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
 * The message text with a `trace` member added in front, byte for byte the rest (ids keep their exact
 * text). `text` must be a JSON object with at least one member, as every JSON-RPC request is.
 */
export function withTraceMember(text: string, trace: W3cTraceContext): string {
  return `{"trace":${JSON.stringify(trace)},${text.slice(text.indexOf('{') + 1)}`;
}
