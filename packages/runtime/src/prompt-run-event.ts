import type { HookReport } from '@codexus/plugin';
import type { ApprovalRequest } from './approval-request.js';
import type { PlanStep, TokenUsage, TurnError, TurnItem } from './internal/wire.js';
import type { ToolCallInfo, ToolCallOutcome } from './tools/tool-call.js';

export type TurnStatus = 'completed' | 'interrupted' | 'failed';

/** One event of a running turn, as `askStream` yields them. */
export type PromptRunEvent =
  | { type: 'turnStarted'; threadId: string; turnId: string }
  | { type: 'itemStarted'; item: TurnItem }
  | { type: 'textDelta'; itemId: string; delta: string }
  | { type: 'reasoningDelta'; itemId: string; delta: string }
  | { type: 'commandOutputDelta'; itemId: string; delta: string }
  | { type: 'itemCompleted'; item: TurnItem }
  | { type: 'approvalRequested'; request: ApprovalRequest }
  /** An in-process tool (`tools: [...]`) was called; `toolCallCompleted` follows with the outcome. */
  | { type: 'toolCallStarted'; call: ToolCallInfo }
  | { type: 'toolCallCompleted'; call: ToolCallOutcome }
  | { type: 'tokenUsage'; usage: TokenUsage }
  | { type: 'diffUpdated'; diff: string }
  | { type: 'planUpdated'; plan: PlanStep[]; explanation?: string | null }
  | { type: 'turnCompleted'; status: TurnStatus; error?: TurnError }
  | { type: 'error'; error: TurnError; willRetry: boolean };

export type PromptRunEventType = PromptRunEvent['type'];

/** What a finished turn produced. */
export interface PromptRunResult {
  threadId: string;
  turnId: string;
  status: TurnStatus;
  /** The last completed agent message (assembled from deltas, or the completed text). */
  text: string;
  /** Every item of the turn, in the order they started; items left open were closed by the client. */
  items: TurnItem[];
  usage?: TokenUsage;
  /** The turn's unified diff, when it changed files. */
  diff?: string;
  plan?: PlanStep[];
  /** The server's error for a failed (or interrupted-with-error) turn. */
  error?: TurnError;
  durationMs: number;
  /** The reports of the hooks that ran for this turn (PreTurn, PreToolUse, PostToolUse, PostTurn). */
  hookReports?: HookReport[];
}

/** The result of a turn asked with `output`: `output` is the parsed, validated final message. */
export type StructuredRunResult<T> = PromptRunResult & { output: T };
