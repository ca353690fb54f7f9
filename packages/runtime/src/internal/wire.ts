import type {
  ThreadItem,
  ThreadTokenUsage,
  TurnPlanStep,
  TokenUsageBreakdown as WireTokenUsageBreakdown,
  TurnError as WireTurnError,
} from '@codexus/protocol';

/**
 * The payload types the runtime hands to callers are the generated protocol types of the pinned codex
 * (`@codexus/protocol`), so a wire rename is a compile error after `codegen generate`. Payloads are
 * passed on as they came: a newer codex may add fields, or send an item `type` this build does not
 * know (give a `switch (item.type)` a `default` branch).
 */

/**
 * An item of a turn: the generated `ThreadItem` union, discriminated by `type`. `closedByClient` is
 * codexus's own mark on an item the server left open when its turn ended (closed as `completed` or
 * `failed`).
 */
export type TurnItem = ThreadItem & { closedByClient?: boolean };

/** Token counts of one turn or a whole thread (`ThreadTokenUsage.last` / `.total`). */
export type TokenUsageBreakdown = WireTokenUsageBreakdown;

/** The thread's token usage after a turn: `total`, `last` (that turn), `modelContextWindow`. */
export type TokenUsage = ThreadTokenUsage;

/** The server's error for a failed turn (`codexErrorInfo` is a string or a tagged object). */
export type TurnError = WireTurnError;

/** One step of the model's plan (`turn/plan/updated`). */
export type PlanStep = TurnPlanStep;

/** A payload's fields by name, for reading one that not every variant of its union has. */
export function fieldsOf(value: object): Readonly<Record<string, unknown>> {
  return value as Readonly<Record<string, unknown>>;
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
