/**
 * Loose views of the server payloads the runtime reads. Unknown fields are kept (objects are passed
 * through as they came), so newer servers do not break older clients; only what the runtime needs is
 * named here. The full generated types live in @codexus/protocol.
 */

/** An item of a turn (`ThreadItem`): `type` + `id`, and the type's own fields. */
export interface TurnItem {
  type: string;
  id: string;
  [key: string]: unknown;
}

export interface TokenUsageBreakdown {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
  [key: string]: unknown;
}

export interface TokenUsage {
  total: TokenUsageBreakdown;
  last: TokenUsageBreakdown;
  modelContextWindow?: number | null;
}

/** `TurnError`: the server's error for a failed turn. `codexErrorInfo` is a string or a tagged object. */
export interface TurnError {
  message: string;
  codexErrorInfo?: unknown;
  additionalDetails?: string | null;
  [key: string]: unknown;
}

export interface PlanStep {
  step: string;
  status: string;
  [key: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The thread id of a notification's or request's params, when it has one. */
export function threadIdOf(params: unknown): string | undefined {
  if (!isRecord(params)) return undefined;
  return str(params.threadId) ?? (isRecord(params.thread) ? str(params.thread.id) : undefined);
}

/** The turn id of a notification's params, when it has one. */
export function turnIdOf(params: unknown): string | undefined {
  if (!isRecord(params)) return undefined;
  return str(params.turnId) ?? (isRecord(params.turn) ? str(params.turn.id) : undefined);
}
