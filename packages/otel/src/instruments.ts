import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { ATTR, METRIC } from './semconv.js';

/** The GenAI client metrics (semconv v1.41.0) plus the tool call duration. Durations in seconds. */
export class Instruments {
  private readonly operationDuration: Histogram;
  private readonly tokenUsage: Histogram;
  private readonly toolDuration: Histogram;

  constructor(meter: Meter) {
    this.operationDuration = meter.createHistogram(METRIC.operationDuration, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: powers(0.01, 2, 14) },
    });
    this.tokenUsage = meter.createHistogram(METRIC.tokenUsage, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: powers(1, 4, 14) },
    });
    this.toolDuration = meter.createHistogram(METRIC.toolDuration, {
      description:
        'Duration of one tool call of a codex turn (command, file change, MCP or in-process tool).',
      unit: 's',
    });
  }

  turn(durationMs: number, attributes: Attributes, tokens: { input?: number; output?: number }): void {
    this.operationDuration.record(durationMs / 1000, attributes);
    if (tokens.input !== undefined)
      this.tokenUsage.record(tokens.input, { ...attributes, [ATTR.tokenType]: 'input' });
    if (tokens.output !== undefined)
      this.tokenUsage.record(tokens.output, { ...attributes, [ATTR.tokenType]: 'output' });
  }

  tool(durationMs: number, attributes: Attributes): void {
    this.operationDuration.record(durationMs / 1000, attributes);
    this.toolDuration.record(durationMs / 1000, attributes);
  }
}

/** `count` bucket boundaries `first · factor^i`: the semconv advice (0.01 s ×2…, 1 token ×4…). */
function powers(first: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(first * factor ** i * 100) / 100);
}
