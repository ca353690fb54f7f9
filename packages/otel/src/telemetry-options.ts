import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';

const SCOPE = '@codexus/otel';
const SCOPE_VERSION = '0.1.0';

export interface TelemetryOptions {
  /** Where spans go. Default: the global tracer provider's `@codexus/otel` tracer. */
  tracer?: Tracer;
  /** Where metrics go. Default: the global meter provider's `@codexus/otel` meter. */
  meter?: Meter;
  /**
   * Record message and tool content (prompts, answers, commands, tool arguments and results) on
   * spans. Default `false`: content can hold secrets and personal data.
   */
  captureContent?: boolean;
  /** `gen_ai.provider.name`. Default `openai` (codex's model API). */
  providerName?: string;
  /** `gen_ai.agent.name` and the turn span's name suffix. Default `codex`. */
  agentName?: string;
  /**
   * Send the trace context to codex on `thread/start`, `thread/resume`, `thread/fork` and `turn/start`
   * (the request's `trace` member), so codex's own spans join the trace. Default `true`.
   */
  propagate?: boolean;
}

export interface ResolvedTelemetryOptions {
  tracer: Tracer;
  meter: Meter;
  captureContent: boolean;
  providerName: string;
  agentName: string;
  propagate: boolean;
}

export function resolveTelemetryOptions(options: TelemetryOptions = {}): ResolvedTelemetryOptions {
  return {
    tracer: options.tracer ?? trace.getTracer(SCOPE, SCOPE_VERSION),
    meter: options.meter ?? metrics.getMeter(SCOPE, SCOPE_VERSION),
    captureContent: options.captureContent === true,
    providerName: options.providerName ?? 'openai',
    agentName: options.agentName ?? 'codex',
    propagate: options.propagate !== false,
  };
}
