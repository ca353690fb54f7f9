import type { ApprovalRequest, PromptRunEvent, TokenUsage, TurnError, TurnItem } from '@codexus/runtime';

/** The version of the `--json` event schema; every line carries it as `v`. */
export const JSON_EVENT_VERSION = 1;

/** An approval decision as the CLI reports it, and who took it. */
export interface ApprovalOutcome {
  decision: 'accept' | 'acceptForSession' | 'decline' | 'cancel';
  /** `user`: answered at the terminal; `policy`: no terminal, the fail-closed default. */
  by: 'user' | 'policy';
}

/**
 * One line of `codexus run --json` (stable; see docs/cli.md). `item` objects are codex's own items,
 * passed through (their fields follow the codex version); every other field is codexus's.
 */
export type CliJsonEvent = { v: typeof JSON_EVENT_VERSION } & (
  | { type: 'session'; threadId: string; cwd: string; codexVersion: string }
  | { type: 'turnStarted'; threadId: string; turnId: string }
  | { type: 'textDelta'; itemId: string; delta: string }
  | { type: 'reasoningDelta'; itemId: string; delta: string }
  | { type: 'commandOutputDelta'; itemId: string; delta: string }
  | { type: 'itemStarted'; item: TurnItem }
  | { type: 'itemCompleted'; item: TurnItem }
  | {
      type: 'approvalRequested';
      requestId: string;
      kind: ApprovalRequest['kind'];
      command?: string;
      cwd?: string;
      reason?: string;
    }
  | ({ type: 'approvalAnswered'; requestId: string } & ApprovalOutcome)
  | { type: 'tokenUsage'; usage: TokenUsage }
  | { type: 'diffUpdated'; diff: string }
  | { type: 'planUpdated'; plan: unknown[]; explanation?: string | null }
  | { type: 'error'; message: string; willRetry: boolean; codexErrorInfo?: unknown }
  | { type: 'turnCompleted'; status: 'completed' | 'interrupted' | 'failed'; error?: TurnError }
  | {
      type: 'result';
      status: 'completed' | 'interrupted' | 'failed';
      exitCode: number;
      threadId?: string;
      turnId?: string;
      text: string;
      usage?: TokenUsage;
      durationMs?: number;
      error?: { code?: string; message: string };
    }
);

/** Distributes `Omit` over the union (so each variant keeps its own fields). */
type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;
export type CliJsonEventBody = WithoutVersion<CliJsonEvent>;

/** Adds the schema version. */
export function jsonEvent(body: CliJsonEventBody): CliJsonEvent {
  return { v: JSON_EVENT_VERSION, ...body } as CliJsonEvent;
}

/** The request fields an approval line shows (command, cwd and reason when codex sent them). */
export function approvalFields(request: ApprovalRequest): {
  command?: string;
  cwd?: string;
  reason?: string;
} {
  const fields: { command?: string; cwd?: string; reason?: string } = {};
  if (request.kind === 'commandExecution') {
    if (request.command !== undefined) fields.command = request.command;
    if (request.cwd !== undefined) fields.cwd = request.cwd;
  }
  if ((request.kind === 'commandExecution' || request.kind === 'fileChange') && request.reason !== undefined)
    fields.reason = request.reason;
  return fields;
}

/** The `--json` line of a turn event (approvals are reported by the approval handler instead). */
export function toJsonEvent(event: PromptRunEvent): CliJsonEvent | undefined {
  switch (event.type) {
    case 'approvalRequested':
      return undefined;
    case 'error':
      return jsonEvent({
        type: 'error',
        message: event.error.message,
        willRetry: event.willRetry,
        ...(event.error.codexErrorInfo !== undefined ? { codexErrorInfo: event.error.codexErrorInfo } : {}),
      });
    case 'planUpdated':
      return jsonEvent({
        type: 'planUpdated',
        plan: event.plan,
        ...(event.explanation !== undefined ? { explanation: event.explanation } : {}),
      });
    case 'turnStarted':
    case 'textDelta':
    case 'reasoningDelta':
    case 'commandOutputDelta':
    case 'itemStarted':
    case 'itemCompleted':
    case 'tokenUsage':
    case 'diffUpdated':
    case 'turnCompleted':
      return jsonEvent(event);
    default:
      // An event type this schema version does not list is left out (the schema stays stable).
      return undefined;
  }
}
