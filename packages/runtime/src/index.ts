export {
  CodexRpcError,
  CodexusError,
  type CodexusErrorCode,
  type Disposable,
  type Logger,
  type RequestOptions,
  type ServerNotification,
  type ServerRequest,
  type StdioTransport,
} from '@codexus/core';
export {
  type ApprovalAnswer,
  type ApprovalDecision,
  type ApprovalHandler,
  type ApprovalKind,
  type ApprovalRequest,
  encodeApprovalAnswer,
  fallbackAnswer,
  type TimeoutAction,
  toApprovalRequest,
  type UnknownServerRequestPolicy,
} from './approval-request.js';
export { Client, type ClientConfig, type ClientMetrics, type ThreadPage } from './client.js';
export { DEFAULT_APPROVAL_TIMEOUT_MS, SAFE_DEFAULTS } from './defaults.js';
export type { PlanStep, TokenUsage, TokenUsageBreakdown, TurnError, TurnItem } from './internal/wire.js';
export { type InputItem, type Prompt, promptText, toTurnInput } from './prompt-input.js';
export {
  classifyTurnFailure,
  PromptRunError,
  type PromptRunFailureReason,
  type TurnFailureClass,
} from './prompt-run-error.js';
export type { PromptRunEvent, PromptRunEventType, PromptRunResult, TurnStatus } from './prompt-run-event.js';
export type { RestartPolicy } from './restart-policy.js';
export {
  type EventFilter,
  Runtime,
  type RuntimeConfig,
  type RuntimeMetrics,
  type RuntimeState,
} from './runtime.js';
export { type AskOptions, Session } from './session.js';
export {
  type ApprovalPolicy,
  assertPrivilege,
  type ReasoningEffort,
  type ResolvedSessionConfig,
  resolveSessionConfig,
  type SandboxMode,
  type SessionConfig,
} from './session-config.js';
export { TurnAssembler } from './turn-assembler.js';
export { TurnStream } from './turn-stream.js';
