/**
 * @codexus/otel: OpenTelemetry GenAI spans and metrics for codexus clients, from the JSON-RPC wire.
 * Depends on `@opentelemetry/api` only (a peer); bring your own SDK and exporter.
 */

export { instrumentTransport } from './instrument-transport.js';
export { ATTR, ERROR_TYPE, EVENT, METRIC, OPERATION, SEMCONV_VERSION } from './semconv.js';
export type { TelemetryOptions } from './telemetry-options.js';
export { traceContextOf, type W3cTraceContext, withTraceMember } from './trace-context.js';
export { withTelemetry } from './with-telemetry.js';
